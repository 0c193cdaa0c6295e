using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>
/// A real gRPC client in another process (python grpcio or node grpc-js) driven by JSON lines: one command at a
/// time, answered by event lines and one result line.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private const int StderrTailChars = 8192;

    private readonly Process _process;
    private readonly ConcurrentDictionary<int, Channel<JsonObject>> _pending = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;
    private int _nextId;

    private PeerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
                if (_stderr.Length > StderrTailChars)
                {
                    _stderr.Remove(0, _stderr.Length - StderrTailChars);
                }
            }
        };
        _process.BeginErrorReadLine();
        _stdoutPump = Task.Run(PumpStdoutAsync);
    }

    public static async Task<PeerProcess> StartAsync(ProcessStartInfo startInfo)
    {
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        var peer = new PeerProcess(Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}."));
        try
        {
            await peer._ready.Task.WaitAsync(TestTimeouts.PeerStart);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Peer {startInfo.FileName} did not start: {peer.StderrTail()}");
        }

        return peer;
    }

    /// <summary>Sends a command; read its events and result from the returned handle.</summary>
    public async Task<PeerCommand> SendAsync(string op, JsonObject command)
    {
        var id = Interlocked.Increment(ref _nextId);
        var replies = Channel.CreateUnbounded<JsonObject>();
        _pending[id] = replies;
        command["id"] = id;
        command["op"] = op;
        await _process.StandardInput.WriteLineAsync(command.ToJsonString());
        await _process.StandardInput.FlushAsync();
        return new PeerCommand(this, replies.Reader);
    }

    /// <summary>Sends a command and waits for its result.</summary>
    public async Task<JsonObject> RunAsync(string op, JsonObject command) => await (await SendAsync(op, command)).ResultAsync();

    public string StderrTail()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            _process.Kill(entireProcessTree: true);
        }

        await _stdoutPump;
        _process.Dispose();
    }

    private async Task PumpStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var message = JsonNode.Parse(line)!.AsObject();
            if (message.ContainsKey("ready"))
            {
                _ready.TrySetResult();
                continue;
            }

            var id = message["id"]!.GetValue<int>();
            _pending[id].Writer.TryWrite(message);
        }

        _ready.TrySetException(new InvalidOperationException("Peer exited before it was ready."));
        foreach (var pending in _pending.Values)
        {
            pending.Writer.TryComplete(new InvalidOperationException($"Peer exited: {StderrTail()}"));
        }
    }

    internal sealed class PeerCommand(PeerProcess peer, ChannelReader<JsonObject> replies)
    {
        public async Task<JsonObject> NextEventAsync()
        {
            var message = await ReadAsync();
            return message["event"]?.AsObject() ?? throw new InvalidOperationException($"Expected an event, got {message.ToJsonString()}");
        }

        public async Task<JsonObject> ResultAsync()
        {
            while (true)
            {
                var message = await ReadAsync();
                if (message["result"] is JsonObject result)
                {
                    return result;
                }

                if (message["error"] is { } error)
                {
                    throw new InvalidOperationException($"Peer failed: {error}\n{peer.StderrTail()}");
                }
            }
        }

        private async Task<JsonObject> ReadAsync()
        {
            try
            {
                return await replies.ReadAsync().AsTask().WaitAsync(TestTimeouts.PeerCommand);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Peer did not answer: {peer.StderrTail()}");
            }
        }
    }

}
