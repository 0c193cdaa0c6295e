using System.Net;
using System.Net.Sockets;
using RemoteDev.Testing;

namespace RemoteDev.Cli.Tests.Harness;

/// <summary>
/// A loopback TCP relay in front of the control plane that a test can cut: every connection through it is closed and
/// new ones are refused until it is resumed on the same port. To rdev that is a control-plane outage, while the
/// control plane and its agents carry on undisturbed.
/// </summary>
public sealed class CuttableRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly Lock _gate = new();
    private readonly List<Socket> _connections = [];
    private TcpListener? _listener;

    private CuttableRelay(IPEndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Relays to <paramref name="server"/> (http://127.0.0.1:PORT).</summary>
    public static CuttableRelay Start(string server)
    {
        var relay = new CuttableRelay(new IPEndPoint(IPAddress.Loopback, new Uri(server).Port), FreePort.Next());
        relay.Resume();
        return relay;
    }

    public void Cut()
    {
        lock (_gate)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    public void Resume()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        lock (_gate)
        {
            _listener = listener;
        }

        _ = AcceptAsync(listener);
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptSocketAsync();
                var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                lock (_gate)
                {
                    if (_listener != listener)
                    {
                        client.Dispose();
                        upstream.Dispose();
                        return;
                    }

                    _connections.Add(client);
                    _connections.Add(upstream);
                }

                await upstream.ConnectAsync(_target);
                _ = PumpAsync(client, upstream);
                _ = PumpAsync(upstream, client);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Cut: the listener stopped (or a connection being set up was closed).
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read));
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Cut, or the other side closed.
        }
    }
}
