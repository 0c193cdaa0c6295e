using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Auth;

/// <summary>
/// A real Kestrel gRPC server with the auth interceptor, the ApiKeys service and a minimal Sandboxes service over
/// the store (Get enforces the caller's project like the real service does).
/// </summary>
internal sealed class AuthTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AuthTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<AuthTestServer> StartAsync(IControlPlaneStore store, TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(store.ApiKeys);
        builder.Services.AddSingleton(store.Sandboxes);
        builder.Services.AddSingleton(time);
        builder.Services.AddControlPlaneAuth();
        builder.Services.AddGrpc(o => o.Interceptors.Add<AuthInterceptor>());
        var app = builder.Build();
        app.MapGrpcService<ApiKeysService>();
        app.MapGrpcService<ProjectCheckingSandboxes>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new AuthTestServer(app, new Uri(address));
    }

    public T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class ProjectCheckingSandboxes(ISandboxStore sandboxes) : Sandboxes.SandboxesBase
    {
        public override async Task<Sandbox> Get(GetSandboxRequest request, ServerCallContext context)
        {
            var record = await sandboxes.GetAsync(request.Id, context.CancellationToken)
                ?? throw new RpcException(new Status(StatusCode.NotFound, "no such sandbox"));
            context.GetCaller().EnsureProject(record.Project);
            return new Sandbox { Id = record.Id, Name = record.Name, Project = record.Project };
        }

        public override async Task<Sandbox> Create(CreateSandboxRequest request, ServerCallContext context)
        {
            context.GetCaller().EnsureProject(request.Project);
            var record = await sandboxes.CreateAsync(new NewSandbox(request.Name, request.Project, request.Labels, request.Spec ?? new SandboxSpec()), context.CancellationToken);
            return new Sandbox { Id = record.Id, Name = record.Name, Project = record.Project };
        }

        /// <summary>An open stream that says it is open, then waits for its call to end.</summary>
        public override async Task Watch(WatchSandboxesRequest request, IServerStreamWriter<SandboxEvent> responseStream, ServerCallContext context)
        {
            await responseStream.WriteAsync(new SandboxEvent { Type = SandboxEvent.Types.Type.Added, Sandbox = new Sandbox { Id = "open" } }, context.CancellationToken);
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
    }
}
