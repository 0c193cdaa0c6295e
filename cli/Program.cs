using RemoteDev.Cli;
using RemoteDev.Cli.Infrastructure;

StdStreams.RouteConsole();
return await CliApp.RunAsync(args);
