using Grpc.Core;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// What a failure prints and the exit code it ends rdev with: one line on stderr, never a stack trace unless
/// RDEV_DEBUG=1 asks for one.
/// </summary>
internal static class Failures
{
    public const string DebugVariable = "RDEV_DEBUG";

    public static async Task<int> ReportAsync(Exception error)
    {
        switch (error)
        {
            case OutputException { IsBrokenPipe: true }:
                // Like a Unix tool killed by SIGPIPE: the reader is gone, there is no one to tell.
                return ExitCodes.OutputClosed;
            case OutputException output:
                await LineAsync($"rdev: cannot write output: {output.Message}");
                return ExitCodes.Failure;
            case RpcException rpc:
                await LineAsync($"rdev: {rpc.StatusCode.ToWireName()}: {rpc.Status.Detail}");
                return ExitCodes.For(rpc.StatusCode);
            case CliException cli:
                await LineAsync($"rdev: {cli.Message}");
                return cli.ExitCode;
            default:
                await LineAsync($"rdev: internal error: {error.GetType().Name}: {error.Message}");
                if (Environment.GetEnvironmentVariable(DebugVariable) == "1")
                {
                    await LineAsync(error.ToString());
                }

                return ExitCodes.Failure;
        }
    }

    /// <summary>When stderr itself cannot be written, the exit code is all that is left to tell.</summary>
    private static async Task LineAsync(string line)
    {
        try
        {
            await Console.Error.WriteLineAsync(line);
        }
        catch (OutputException)
        {
        }
    }

    /// <summary>UNAUTHENTICATED rather than Unauthenticated: the form gRPC documents and other tools print.</summary>
    private static string ToWireName(this StatusCode code)
    {
        var name = code.ToString();
        return string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) && char.IsLower(name[i - 1]) ? "_" + c : c.ToString())).ToUpperInvariant();
    }
}
