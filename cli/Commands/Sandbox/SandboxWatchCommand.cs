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

    /// <summary>A control-plane restart does not end it: the watch is opened again and prints the current state anew.</summary>
    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.WatchSandboxesRequest { Project = cli.Get(Project), Id = cli.Get(Id) };
        var reconnects = new Reconnects();
        var printed = 0L;
        var reached = printed;
        while (true)
        {
            try
            {
                using var call = cli.Api.Sandboxes.Watch(request, cancellationToken: cancellationToken);
                await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    Print(cli, change);
                    printed++;
                }

                return ExitCodes.Ok;
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
            {
                var progressed = printed != reached;
                reached = printed;
                if (!await reconnects.WaitAsync(error, progressed, cancellationToken))
                {
                    throw;
                }
            }
        }
    }

    private static void Print(CliContext cli, V1.SandboxEvent change)
    {
        if (cli.Out.IsJson)
        {
            cli.Out.Message(change);
            return;
        }

        var s = change.Sandbox;
        cli.Out.Line($"{Tables.Enum(change.Type, "TYPE_"),-8} {s.Id} {s.Name} {SandboxViews.Phase(s.Status?.Phase ?? V1.SandboxPhase.Unspecified)} {s.Status?.Reason}".TrimEnd());
    }
}
