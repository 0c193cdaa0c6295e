using System.CommandLine;
using Grpc.Core;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Sandbox;

internal static class SandboxWatchCommand
{
    private static readonly Option<string> Project = new("--project") { Description = "Only this project", DefaultValueFactory = _ => "" };
    private static readonly Option<string> Id = new("--id") { Description = "Only this sandbox", DefaultValueFactory = _ => "" };

    public static Command Create()
    {
        var command = new Command("watch", "Print every sandbox's current state, then every change, until interrupted") { Project, Id };
        CliAction.SetStreaming(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        using var call = cli.Api.Sandboxes.Watch(new V1.WatchSandboxesRequest { Project = cli.Get(Project), Id = cli.Get(Id) }, cancellationToken: cancellationToken);
        await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (cli.Out.IsJson)
            {
                cli.Out.Message(change);
                continue;
            }

            var s = change.Sandbox;
            cli.Out.Line($"{Tables.Enum(change.Type, "TYPE_"),-8} {s.Id} {s.Name} {SandboxViews.Phase(s.Status?.Phase ?? V1.SandboxPhase.Unspecified)} {s.Status?.Reason}".TrimEnd());
        }

        return ExitCodes.Ok;
    }
}
