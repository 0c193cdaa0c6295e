using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessGetCommand
{
    private static readonly Argument<string> Sandbox = ProcessArguments.Sandbox();
    private static readonly Argument<string> Name = ProcessArguments.Process();
    private static readonly Option<bool> IncludeEnv = new("--env") { Description = "Include the effective environment (secret-looking values redacted)" };

    public static Command Create()
    {
        var command = new Command("get", "Show one process") { Sandbox, Name, IncludeEnv };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.GetProcessRequest { SandboxId = cli.Get(Sandbox), Name = cli.Get(Name), IncludeEnv = cli.Get(IncludeEnv) };
        var status = await cli.Api.Processes.GetAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(status, () => ProcessViews.Details(status));
        return ExitCodes.Ok;
    }
}
