using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessRemoveCommand
{
    private static readonly Argument<string> Sandbox = ProcessArguments.Sandbox();
    private static readonly Argument<string> Name = ProcessArguments.Process();

    public static Command Create()
    {
        var command = new Command("remove", "Stop a process and remove it from the sandbox") { Sandbox, Name };
        command.Aliases.Add("rm");
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var response = await cli.Api.Processes.RemoveAsync(new V1.ProcessRef { SandboxId = cli.Get(Sandbox), Name = cli.Get(Name) }, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(response, () => new Spectre.Console.Text($"removed {cli.Get(Name)}"));
        return ExitCodes.Ok;
    }
}
