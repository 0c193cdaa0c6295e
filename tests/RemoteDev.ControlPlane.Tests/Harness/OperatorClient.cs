using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>The operator API with one API key; unary and server-streaming calls get a deadline unless given one.</summary>
public sealed class OperatorClient : IDisposable
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly GrpcChannel _channel;

    public OperatorClient(string address, string token)
    {
        _channel = GrpcChannel.ForAddress(address);
        var invoker = _channel.Intercept(new DeadlineInterceptor()).Intercept(headers =>
        {
            headers.Add("authorization", $"Bearer {token}");
            return headers;
        });
        Sandboxes = new Sandboxes.SandboxesClient(invoker);
        Processes = new Processes.ProcessesClient(invoker);
        Files = new Files.FilesClient(invoker);
        Env = new Env.EnvClient(invoker);
        ApiKeys = new ApiKeys.ApiKeysClient(invoker);
    }

    public Sandboxes.SandboxesClient Sandboxes { get; }

    public Processes.ProcessesClient Processes { get; }

    public Files.FilesClient Files { get; }

    public Env.EnvClient Env { get; }

    public ApiKeys.ApiKeysClient ApiKeys { get; }

    public void Dispose() => _channel.Dispose();

    private sealed class DeadlineInterceptor : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
            => continuation(request, WithDeadline(context));

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
            => continuation(request, WithDeadline(context));

        private static ClientInterceptorContext<TRequest, TResponse> WithDeadline<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class
            => context.Options.Deadline is null
                ? new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + CallTimeout))
                : context;
    }
}
