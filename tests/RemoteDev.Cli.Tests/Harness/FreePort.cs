using System.Net;
using System.Net.Sockets;

namespace RemoteDev.Cli.Tests.Harness;

internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
