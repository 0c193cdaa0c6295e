using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessReloadCommand
{
    private static readonly Argument<string> Sandbox = ProcessArguments.Sandbox();
    private static readonly Option<FileInfo> File = new("--file") { Description = "The new ProcessSpec in proto JSON (its name picks the process)", Required = true };
    private static readonly Option<bool> RestartNow = new("--restart-now") { Description = "Restart at once with the new definition" };

    public static Command Create()
    {
        var command = new Command("reload", "Replace a process's definition") { Sandbox, File, RestartNow };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var spec = await ProcessSpecFile.ReadOneAsync(cli.Get(File), "--file", cancellationToken);
        var request = new V1.ReloadProcessRequest { SandboxId = cli.Get(Sandbox), Spec = spec, RestartNow = cli.Get(RestartNow) };
        var status = await cli.Api.Processes.ReloadAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(status, () => ProcessViews.Details(status));
        return ExitCodes.Ok;
    }
}
