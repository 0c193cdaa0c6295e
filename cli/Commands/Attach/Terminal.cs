using System.Diagnostics;
using System.Globalization;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Attach;

/// <summary>
/// The local terminal through stty (which acts on the stdin it inherits): raw mode while attached, restored on
/// dispose, and the window size. stty keeps .NET's own console handling out of the way of raw bytes.
/// </summary>
internal sealed class Terminal : IDisposable
{
    private readonly string _saved;

    private Terminal(string saved) => _saved = saved;

    public static async Task<Terminal> EnterRawAsync()
    {
        var saved = await SttyAsync("-g");
        await SttyAsync("raw", "-echo");
        return new Terminal(saved);
    }

    public static async Task<V1.TerminalSize> SizeAsync()
    {
        var parts = (await SttyAsync("size")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new V1.TerminalSize
        {
            Rows = uint.Parse(parts[0], CultureInfo.InvariantCulture),
            Cols = uint.Parse(parts[1], CultureInfo.InvariantCulture),
        };
    }

    public void Dispose() => SttyAsync(_saved).GetAwaiter().GetResult();

    private static async Task<string> SttyAsync(params string[] args)
    {
        var start = new ProcessStartInfo("stty") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var stty = System.Diagnostics.Process.Start(start) ?? throw new CliException(ExitCodes.Failure, "stty could not be started");
        var output = await stty.StandardOutput.ReadToEndAsync();
        var error = await stty.StandardError.ReadToEndAsync();
        await stty.WaitForExitAsync();
        return stty.ExitCode == 0
            ? output.Trim()
            : throw new CliException(ExitCodes.Failure, $"stty {string.Join(' ', args)} failed: {error.Trim()}");
    }
}
