using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;

namespace RemoteDev.Supervisor.Health;

/// <summary>One check of a TCP, HTTP or exec probe: null when healthy, else why not.</summary>
internal static class HealthProbes
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

    public static async Task<string?> CheckAsync(HealthProbe probe, TimeSpan timeout, CancellationToken cancellationToken)
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
            return $"no answer within {timeout.TotalMilliseconds} ms";
        }
        catch (SocketException e)
        {
            return e.Message;
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    private static async Task<string?> TcpAsync(TcpProbe probe, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(probe.Host ?? "127.0.0.1", probe.Port, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static async Task<string?> HttpAsync(HttpProbe probe, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder("http", probe.Host ?? "127.0.0.1", probe.Port, probe.Path).Uri;
        using var response = await Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        return (int)response.StatusCode < 500 ? null : $"HTTP {(int)response.StatusCode}";
    }

    private static async Task<string?> ExecAsync(ExecProbe probe, CancellationToken cancellationToken)
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

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            return $"{probe.Command[0]} could not be run: {e.Message}";
        }

        using (process)
        {
            try
            {
                var drainOut = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
                var drainErr = process.StandardError.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                await Task.WhenAll(drainOut, drainErr).ConfigureAwait(false);
                return process.ExitCode == 0 ? null : $"{probe.Command[0]} exited with {process.ExitCode}";
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
    }
}
