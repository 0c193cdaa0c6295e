using System.Net;
using System.Net.Sockets;

namespace RemoteDev.Testing;

/// <summary>
/// A loopback port for a server that a test or benchmark starts in another process. Chosen below the kernel's
/// ephemeral range: a port from bind(0) is one the kernel also hands out as the local port of outgoing connections,
/// and with many tests connecting at once it was sometimes taken before the server bound it.
/// </summary>
internal static class FreePort
{
    private const int Lowest = 20000;

    public static int Next()
    {
        var below = EphemeralRangeStart();
        while (true)
        {
            var port = Random.Shared.Next(Lowest, below);
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
            }
        }
    }

    private static int EphemeralRangeStart()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
