using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using RemoteDev.V1;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>One channel to the control plane with the API key on every call; clients are created on first use.</summary>
internal sealed class Connection : IDisposable
{
    private const int MaxMessageBytes = 64 * 1024 * 1024;

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly TimeSpan _requestTimeout;

    public Connection(string server, string apiKey, TimeSpan requestTimeout)
    {
        _requestTimeout = requestTimeout;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw CliException.Usage($"--server: '{server}' is not an http:// or https:// address");
        }

        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
            DisposeHttpClient = true,
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = Deadlines.Connect,
                KeepAlivePingDelay = Deadlines.KeepAlivePing,
                KeepAlivePingTimeout = Deadlines.KeepAliveTimeout,
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                EnableMultipleHttp2Connections = true,
            },
        });
        var authorization = "Bearer " + apiKey;
        _invoker = _channel.CreateCallInvoker().Intercept(headers =>
        {
            headers.Add("authorization", authorization);
            return headers;
        });
    }

    /// <summary>The deadline of a request-response call started now.</summary>
    public DateTime Deadline() => DateTime.UtcNow + _requestTimeout;

    /// <summary>For a call that first waits <paramref name="wait"/> on the server (a process's stop grace).</summary>
    public DateTime DeadlineAfter(TimeSpan wait) => Deadline() + wait;

    public Sandboxes.SandboxesClient Sandboxes => new(_invoker);

    public Processes.ProcessesClient Processes => new(_invoker);

    public Files.FilesClient Files => new(_invoker);

    public Env.EnvClient Env => new(_invoker);

    public ApiKeys.ApiKeysClient ApiKeys => new(_invoker);

    public void Dispose() => _channel.Dispose();
}
