using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace RemoteDev.Grpc.Tests.Client.Peers;

/// <summary>
/// A peer server in another runtime (grpcio, grpc-js) started by a script that prints "PORTS port..." once it
/// listens (the first port serves plain responses, a second one gzip-compressed responses) and "CANCELLED id" when a call sees its cancellation; it stops when its stdin closes or it is killed.
/// </summary>
public sealed class PeerServerProcess : IInteropServer, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CancellationSeenTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly TaskCompletionSource<int[]> _ports = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _cancelled = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private PeerServerProcess(ProcessStartInfo startInfo)
    {
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && _stderr.Count < 100)
            {
                _stderr.Enqueue(e.Data);
            }
        };
        _process.Exited += (_, _) => _ports.TrySetException(new InvalidOperationException($"{startInfo.FileName} exited early: {string.Join('\n', _stderr)}"));
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Where the peer serves every response gzip-compressed; null if it has no such server.</summary>
    public Uri? GzipAddress { get; private set; }

    public static async Task<PeerServerProcess> StartAsync(ProcessStartInfo startInfo)
    {
        var peer = new PeerServerProcess(startInfo);
        peer._process.Start();
        peer._process.BeginOutputReadLine();
        peer._process.BeginErrorReadLine();
        try
        {
            var ports = await peer._ports.Task.WaitAsync(StartTimeout);
            peer.Address = new Uri($"http://127.0.0.1:{ports[0]}");
            peer.GzipAddress = ports.Length > 1 ? new Uri($"http://127.0.0.1:{ports[1]}") : null;
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    public Task WaitForCancelledAsync(string callId) => Cancelled(callId).Task.WaitAsync(CancellationSeenTimeout);

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exited = new CancellationTokenSource(ExitTimeout);
            await _process.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        var parts = line?.Split(' ');
        switch (parts)
        {
            case ["PORTS", .. var ports]:
                _ports.TrySetResult([.. ports.Select(p => int.Parse(p, CultureInfo.InvariantCulture))]);
                break;
            case ["CANCELLED", var id]:
                Cancelled(id).TrySetResult();
                break;
        }
    }

    private TaskCompletionSource Cancelled(string callId) =>
        _cancelled.GetOrAdd(callId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
