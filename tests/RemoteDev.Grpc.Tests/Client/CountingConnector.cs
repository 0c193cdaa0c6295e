using System.Net;
using System.Net.Sockets;

namespace RemoteDev.Grpc.Tests.Client;

/// <summary>A <see cref="SocketsHttpHandler"/> that counts the TCP connections it opens.</summary>
internal sealed class CountingConnector
{
    private int _connections;

    public int Connections => Volatile.Read(ref _connections);

    public SocketsHttpHandler CreateHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        ConnectCallback = async (context, cancellationToken) =>
        {
            Interlocked.Increment(ref _connections);
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
