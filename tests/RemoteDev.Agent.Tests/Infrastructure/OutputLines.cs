using System.Diagnostics;
using System.Threading.Channels;

namespace RemoteDev.Agent.Tests.Infrastructure;

/// <summary>A long-running command whose stdout lines the test waits for (e.g. `ctl logs --follow`).</summary>
internal sealed class OutputLines : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private OutputLines(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => _lines.Writer.TryWrite(e.Data ?? "");
        process.BeginOutputReadLine();
    }

    public static OutputLines Start(string binary, string socket, params string[] args)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["REMOTEDEV_CTL_SOCKET"] = socket;
        return new OutputLines(Process.Start(info)!);
    }

    public async Task WaitForAsync(string line)
    {
        using var timeout = new CancellationTokenSource(AgentProcess.Patience);
        while (await _lines.Reader.ReadAsync(timeout.Token) != line)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
