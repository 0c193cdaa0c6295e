using Microsoft.Extensions.Logging;
using RemoteDev.Agent;
using RemoteDev.Agent.Configuration;
using RemoteDev.Agent.Control;
using Serilog;
using Serilog.Extensions.Logging;

// Exit codes (tini passes them on): 0 clean shutdown, 1 invalid configuration, a kernel resource the supervisor
// cannot get (the log says which and what limit to raise) or unreachable agent (ctl), 2 usage.
if (args is ["ctl", ..])
{
    return await CtlClient.RunAsync(args[1..], AgentEnvironment.CtlSocketPath(Environment.GetEnvironmentVariables()), Console.Out, Console.Error);
}

if (args.Length > 0)
{
    Console.Error.WriteLine("usage: remotedev-agent            (the daemon, configured by REMOTEDEV_* environment variables)");
    Console.Error.WriteLine("       remotedev-agent ctl ...    (talk to the running agent)");
    return 2;
}

AgentOptions options;
try
{
    options = AgentEnvironment.Load(Environment.GetEnvironmentVariables());
}
catch (AgentConfigurationException e)
{
    Console.Error.WriteLine("remotedev-agent: " + e.Message);
    return 1;
}

// Processes and exec commands inherit the agent's environment, less what is the agent's own.
foreach (var name in AgentEnvironment.AgentOnly)
{
    Environment.SetEnvironmentVariable(name, null);
}

const string template = "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}";
const long logFileBytes = 8 * 1024 * 1024;
var serilog = new LoggerConfiguration()
    .MinimumLevel.Information()
    .WriteTo.Console(outputTemplate: template)
    .WriteTo.File(Path.Combine(options.LogDir, "agent.log"), outputTemplate: template, fileSizeLimitBytes: logFileBytes, rollOnFileSizeLimit: true, retainedFileCountLimit: 3)
    .CreateLogger();
using var loggerFactory = new SerilogLoggerFactory(serilog, dispose: true);
var logger = loggerFactory.CreateLogger("remotedev-agent");
return await new AgentDaemon(options, loggerFactory, logger).RunAsync();
