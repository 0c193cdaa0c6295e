using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Exec;

/// <summary>rdev exec SANDBOX -- CMD ARGS: output byte-exact to the local stdout/stderr, exit with the remote code.</summary>
internal static class ExecCommand
{
    private const int MaxStdinBytes = 4 * 1024 * 1024;

    private static readonly Argument<string> Sandbox = new("SANDBOX") { Description = "Sandbox id" };
    private static readonly Argument<string[]> CommandLine = new("COMMAND") { Description = "After --: the executable and its arguments", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<string> Cwd = new("--cwd") { Description = "Working directory (default: the workspace)", DefaultValueFactory = _ => "" };
    private static readonly Option<string[]> EnvValues = KeyValues.Option("--env", "An environment variable for the command (repeatable)");
    private static readonly Option<bool> Stdin = new("--stdin", "-i") { Description = $"Send local stdin (up to {MaxStdinBytes} bytes) as the command's stdin" };
    private static readonly Option<TimeSpan?> Timeout = new("--timeout")
    {
        Description = "Kill the command after this long (server default 60s)",
        CustomParser = r => Parsers.Duration(r),
    };

    public static Command Create()
    {
        var command = new Command("exec", "Run a one-shot command in a sandbox") { Sandbox, CommandLine, Cwd, EnvValues, Stdin, Timeout };
        CliAction.SetStreaming(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var exec = new V1.ExecCommand { Cwd = cli.Get(Cwd) };
        exec.Command.Add(cli.Get(CommandLine));
        exec.Env.Add(KeyValues.ToDictionary(cli.Get(EnvValues)));
        if (cli.Parse.GetValue(Timeout) is { } timeout)
        {
            exec.Timeout = Duration.FromTimeSpan(timeout);
        }

        if (cli.Get(Stdin))
        {
            exec.Stdin = await StdStreams.ReadStdinAsync(MaxStdinBytes, "--stdin", cancellationToken);
        }

        using var std = new StdStreams();
        using var call = cli.Api.Processes.Exec(new V1.ExecRequest { SandboxId = cli.Get(Sandbox), Command = exec }, cancellationToken: cancellationToken);
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            switch (response.EventCase)
            {
                case V1.ExecResponse.EventOneofCase.Output when response.Output.Kind == V1.StreamKind.Stderr:
                    await std.StderrAsync(response.Output.Data, cancellationToken);
                    break;
                case V1.ExecResponse.EventOneofCase.Output:
                    await std.StdoutAsync(response.Output.Data, cancellationToken);
                    break;
                case V1.ExecResponse.EventOneofCase.Exit:
                    return await ExitCodeAsync(response.Exit);
            }
        }

        throw new CliException(ExitCodes.Unavailable, "the exec stream ended without the command's exit");
    }

    /// <summary>Like a shell: the code, or 128 + N for signal N, which is also named on stderr (124 for the timeout).</summary>
    private static async Task<int> ExitCodeAsync(V1.ExecExit exit)
    {
        switch (exit)
        {
            case { TimedOut: true }:
                await Console.Error.WriteLineAsync($"rdev: the command timed out and was killed ({exit.Signal})");
                return ExitCodes.ExecTimedOut;
            case { HasExitCode: true }:
                return exit.ExitCode;
            case { Signal.Length: > 0 }:
                var code = Signals.ExitCode(exit.Signal);
                await Console.Error.WriteLineAsync($"rdev: the command was killed by {exit.Signal}");
                return code;
            default:
                throw new CliException(ExitCodes.Failure, "the command ended with neither an exit code nor a signal");
        }
    }
}
