using System.Diagnostics;
using System.Net.Sockets;

namespace RemoteDev.Supervisor.Health;

/// <summary>One check of a TCP, HTTP or exec probe. True when healthy.</summary>
internal static class HealthProbes
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

    public static async Task<bool> CheckAsync(HealthProbe probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return probe switch
            {
                TcpProbe tcp => await TcpAsync(tcp, cts.Token).ConfigureAwait(false),
                HttpProbe http => await HttpAsync(http, cts.Token).ConfigureAwait(false),
                ExecProbe exec => await ExecAsync(exec, cts.Token).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"{probe.GetType().Name} is not a polled probe"),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<bool> TcpAsync(TcpProbe probe, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(probe.Host ?? "127.0.0.1", probe.Port, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task<bool> HttpAsync(HttpProbe probe, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder("http", probe.Host ?? "127.0.0.1", probe.Port, probe.Path).Uri;
        using var response = await Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        return (int)response.StatusCode < 500;
    }

    private static async Task<bool> ExecAsync(ExecProbe probe, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(probe.Command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in probe.Command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        try
        {
            var drainOut = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
            var drainErr = process.StandardError.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(drainOut, drainErr).ConfigureAwait(false);
            return process.ExitCode == 0;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
