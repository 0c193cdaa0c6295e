using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace RemoteDev.Agent.Control;

/// <summary>
/// The in-sandbox control socket: a unix domain socket, owner-only (its directory is created 0700 when missing and
/// the socket is chmod 0600), one request per connection, a bounded number of connections at a time.
/// </summary>
internal sealed class CtlServer(string path, CtlHandler handler, ILogger logger)
{
    private const UnixFileMode OwnerOnlyDir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlySocket = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var dir = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, OwnerOnlyDir);
        }

        File.Delete(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, OwnerOnlySocket);
        listener.Listen(CtlProtocol.MaxConnections);
        CtlLog.Listening(logger, path);
        using var slots = new SemaphoreSlim(CtlProtocol.MaxConnections);
        try
        {
            while (true)
            {
                var connection = await listener.AcceptAsync(cancellationToken);
                if (slots.Wait(0))
                {
                    _ = ServeAsync(connection, slots, cancellationToken);
                }
                else
                {
                    await RefuseAsync(connection);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Every slot is taken: the new connection gets one error line instead of waiting for a slot.</summary>
    private async Task RefuseAsync(Socket connection)
    {
        CtlLog.Refused(logger, CtlProtocol.MaxConnections);
        using (connection)
        using (var timeout = new CancellationTokenSource(CtlProtocol.RefusalWriteTimeout))
        {
            try
            {
                await connection.SendAsync(CtlHandler.Busy(), SocketFlags.None, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
            }
        }
    }

    private async Task ServeAsync(Socket connection, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new NetworkStream(connection, ownsSocket: true);
            await handler.HandleAsync(stream, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            CtlLog.RequestFailed(logger, e);
        }
        finally
        {
            slots.Release();
        }
    }
}

internal static partial class CtlLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Control socket listening at {Path}")]
    public static partial void Listening(ILogger logger, string path);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Refused a control socket connection: all {Max} connections are in use")]
    public static partial void Refused(ILogger logger, int max);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "A control socket request failed")]
    public static partial void RequestFailed(ILogger logger, Exception error);
}
