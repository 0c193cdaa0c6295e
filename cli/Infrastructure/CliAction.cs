using System.CommandLine;
using Grpc.Core;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>Runs a command's action and turns failures into one stderr line and a class-specific exit code.</summary>
internal static class CliAction
{
    public static void Set(Command command, Func<CliContext, CancellationToken, Task<int>> run) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var context = new CliContext(parse);
            try
            {
                return await run(context, cancellationToken);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
            catch (RpcException error)
            {
                await Console.Error.WriteLineAsync($"rdev: {error.StatusCode.ToWireName()}: {error.Status.Detail}");
                return ExitCodes.For(error.StatusCode);
            }
            catch (CliException error)
            {
                await Console.Error.WriteLineAsync($"rdev: {error.Message}");
                return error.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
        });

    /// <summary>UNAUTHENTICATED rather than Unauthenticated: the form gRPC documents and other tools print.</summary>
    private static string ToWireName(this StatusCode code)
    {
        var name = code.ToString();
        return string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) && char.IsLower(name[i - 1]) ? "_" + c : c.ToString())).ToUpperInvariant();
    }
}
