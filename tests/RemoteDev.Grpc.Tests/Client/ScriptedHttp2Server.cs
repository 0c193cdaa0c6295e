using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace RemoteDev.Grpc.Tests.Client;

/// <summary>How <see cref="ScriptedHttp2Server"/> treats each connection.</summary>
/// <param name="PrefaceReply">Written instead of SETTINGS in answer to the client's preface, before closing; null to speak HTTP/2.</param>
/// <param name="AnswerPings">Whether PINGs get their ACK; a server that never answers looks dead to keepalive.</param>
/// <param name="OnRequest">The frames written when a request's HEADERS arrive (by stream id), or null to stay silent.</param>
internal sealed record Http2Script(byte[]? PrefaceReply, bool AnswerPings, Func<int, byte[]>? OnRequest)
{
    /// <summary>Accepts the connection and its requests, then never writes again.</summary>
    public static readonly Http2Script Silent = new(PrefaceReply: null, AnswerPings: false, OnRequest: null);

    /// <summary>What an HTTP/1.1-only server answers to the HTTP/2 preface: an HTTP/1.1 error response.</summary>
    public static readonly Http2Script Http11Response = new("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), AnswerPings: false, OnRequest: null);

    /// <summary>What Kestrel's HTTP/1.1-only endpoint answers to the HTTP/2 preface: GOAWAY(HTTP_1_1_REQUIRED).</summary>
    public static readonly Http2Script Http11Required = new(Http2Frames.GoAwayFrame(Http2Frames.Http11RequiredCode), AnswerPings: false, OnRequest: null);

    /// <summary>Answers PINGs and resets every request stream with <paramref name="errorCode"/>.</summary>
    public static Http2Script ResetStream(uint errorCode) =>
        new(PrefaceReply: null, AnswerPings: true, streamId => Http2Frames.Frame(Http2Frames.RstStream, 0, streamId, Http2Frames.UInt32(errorCode)));

    /// <summary>Answers PINGs and sends GOAWAY(<paramref name="errorCode"/>) for every request, no stream processed.</summary>
    public static Http2Script GoAway(uint errorCode) =>
        new(PrefaceReply: null, AnswerPings: true, _ => Http2Frames.GoAwayFrame(errorCode));
}

/// <summary>
/// A cleartext HTTP/2 peer on a raw socket that follows an <see cref="Http2Script"/>: it speaks just enough HTTP/2
/// (preface, SETTINGS and their ACK) to show how the client reports what a real server would not do.
/// </summary>
internal sealed class ScriptedHttp2Server : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _connections = [];
    private readonly Http2Script _script;
    private readonly Task _accepting;

    private ScriptedHttp2Server(Http2Script script)
    {
        _script = script;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public static ScriptedHttp2Server Start(Http2Script script) => new(script);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }

        await _accepting.ContinueWith(static _ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            lock (_connections)
            {
                _connections.Add(socket);
            }

            _ = ServeAsync(socket).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket);
        await stream.ReadExactlyAsync(new byte[Http2Frames.Preface.Length], _stop.Token);
        if (_script.PrefaceReply is { } prefaceReply)
        {
            await stream.WriteAsync(prefaceReply, _stop.Token);
            socket.Shutdown(SocketShutdown.Both);
            return;
        }

        await stream.WriteAsync(Http2Frames.Frame(Http2Frames.Settings, 0, 0, []), _stop.Token);
        var header = new byte[9];
        while (true)
        {
            await stream.ReadExactlyAsync(header, _stop.Token);
            var payload = new byte[(header[0] << 16) | (header[1] << 8) | header[2]];
            await stream.ReadExactlyAsync(payload, _stop.Token);
            var (type, flags, streamId) = (header[3], header[4], (int)(BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF));
            var reply = type switch
            {
                Http2Frames.Settings when (flags & Http2Frames.Ack) == 0 => Http2Frames.Frame(Http2Frames.Settings, Http2Frames.Ack, 0, []),
                Http2Frames.Ping when (flags & Http2Frames.Ack) == 0 && _script.AnswerPings => Http2Frames.Frame(Http2Frames.Ping, Http2Frames.Ack, 0, payload),
                Http2Frames.Headers when _script.OnRequest is { } onRequest => onRequest(streamId),
                _ => null,
            };
            if (reply is not null)
            {
                await stream.WriteAsync(reply, _stop.Token);
            }
        }
    }
}

/// <summary>HTTP/2 frame layout (RFC 9113 section 4.1) for <see cref="ScriptedHttp2Server"/>.</summary>
internal static class Http2Frames
{
    public const byte Headers = 0x1;
    public const byte RstStream = 0x3;
    public const byte Settings = 0x4;
    public const byte Ping = 0x6;
    public const byte GoAway = 0x7;
    public const byte Ack = 0x1;
    public const uint Http11RequiredCode = 0xd;

    public static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static byte[] Frame(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), (ushort)payload.Length);
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        return frame;
    }

    /// <summary>GOAWAY with last stream id 0: the server processed none of the client's streams.</summary>
    public static byte[] GoAwayFrame(uint errorCode) => Frame(GoAway, 0, 0, [.. UInt32(0), .. UInt32(errorCode)]);

    public static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
