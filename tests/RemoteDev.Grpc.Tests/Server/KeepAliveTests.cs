using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>A server with 1 s keepalive pings (ConfigureGrpcKeepAlive).</summary>
public sealed class KeepAliveServerFixture : IAsyncLifetime
{
    internal InteropTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await InteropTestServer.StartAsync(new TestServerOptions
    {
        KeepAlive = new GrpcKeepAliveOptions { PingDelay = TimeSpan.FromSeconds(1), PingTimeout = TimeSpan.FromSeconds(1) },
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>HTTP/2 keepalive: a peer that stops answering is detected and dropped by the server.</summary>
public sealed class KeepAliveTests(KeepAliveServerFixture fixture) : IClassFixture<KeepAliveServerFixture>
{
    private const byte SettingsFrame = 0x4;
    private const byte PingFrame = 0x6;
    private const byte AckFlag = 0x1;

    [Fact]
    public async Task Server_pings_an_idle_connection_and_closes_it_when_the_ping_is_not_answered()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Server.Port);
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        await stream.WriteAsync(FrameHeader(0, SettingsFrame, 0));

        var frames = await ReadFramesUntilClosedAsync(stream).WaitAsync(TestTimeouts.Observe);

        Assert.Contains(PingFrame, frames);
    }

    /// <summary>Acknowledges the server's SETTINGS, never answers a PING; returns the frame types seen before EOF.</summary>
    private static async Task<List<byte>> ReadFramesUntilClosedAsync(NetworkStream stream)
    {
        var types = new List<byte>();
        var header = new byte[9];
        while (await ReadExactlyOrEofAsync(stream, header))
        {
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var (type, flags) = (header[3], header[4]);
            await stream.ReadExactlyAsync(new byte[length]);
            types.Add(type);
            if (type == SettingsFrame && (flags & AckFlag) == 0)
            {
                await stream.WriteAsync(FrameHeader(0, SettingsFrame, AckFlag));
            }
        }

        return types;
    }

    private static async Task<bool> ReadExactlyOrEofAsync(NetworkStream stream, byte[] buffer)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer);
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return false;
        }
    }

    private static byte[] FrameHeader(int length, byte type, byte flags)
    {
        var header = new byte[9];
        header[0] = (byte)(length >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(1), (ushort)length);
        header[3] = type;
        header[4] = flags;
        return header;
    }
}
