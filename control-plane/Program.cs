using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane;
using RemoteDev.ControlPlane.Api;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Gateway;
using RemoteDev.ControlPlane.Hosting;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Store;
using Serilog;

// --demo is the short form of --ControlPlane:Demo=true (scripts/run).
args = [.. args.Select(a => a == "--demo" ? "--ControlPlane:Demo=true" : a)];
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var options = builder.Configuration.GetSection(ControlPlaneOptions.Section).Get<ControlPlaneOptions>() ?? new ControlPlaneOptions();
var problems = options.Validate();
if (problems.Count > 0)
{
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"remotedev-control-plane: ControlPlane:{problem}");
    }

    return 2;
}

builder.Configuration["Store:DataDirectory"] ??= options.FullDataDir;
builder.Logging.ClearProviders();
builder.Logging.AddSerilog(Logging.Create(options.LogLevel), dispose: true);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(options.GrpcEndPoint, listen => listen.Protocols = HttpProtocols.Http2);
    kestrel.Listen(options.HttpEndPoint, listen => listen.Protocols = HttpProtocols.Http1);
    kestrel.ConfigureGrpcKeepAlive(new GrpcKeepAliveOptions { PingDelay = TimeSpan.FromSeconds(20), PingTimeout = TimeSpan.FromSeconds(10) });
});
builder.Services.AddGrpc(grpc =>
{
    grpc.Interceptors.Add<RpcMetricsInterceptor>();
    grpc.Interceptors.Add<StoreGateInterceptor>();
    grpc.Interceptors.Add<AuthInterceptor>();
    grpc.MaxReceiveMessageSize = RemoteDev.V1.FileChunks.MaxWriteBytes + RemoteDev.V1.FileChunks.FramingBytes;
    grpc.EnableDetailedErrors = false;
});
builder.Services.AddGrpcReflection();
builder.Services.AddControlPlaneStore(builder.Configuration.GetSection("Store"));
builder.Services.AddControlPlaneAuth();
builder.Services.AddControlPlane(options);

await using var app = builder.Build();
// Before the server listens, so that gRPC health says NOT_SERVING from the first call on.
var readiness = app.Services.GetRequiredService<Readiness>();
app.MapGrpcService<AgentGatewayService>();
app.MapGrpcService<SandboxesService>();
app.MapGrpcService<ProcessesService>();
app.MapGrpcService<FilesService>();
app.MapGrpcService<EnvService>();
app.MapGrpcService<ApiKeysService>();
app.MapGrpcHealthChecksService();
app.MapGrpcReflectionService();
HttpEndpoints.Map(app, readiness, options.HttpEndPoint.Port);
app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<AgentSessions>().CloseAll("the control plane is shutting down"));

// Listening first: probes answer while the store is awaited, and the API answers UNAVAILABLE until it is up.
var stopping = app.Lifetime.ApplicationStopping;
var storeLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RemoteDev.ControlPlane.Store");
await app.StartAsync();
try
{
    await StoreStartup.RunAsync(app.Services.InitializeStoreAndAuthAsync, storeLogger, stopping);
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    // SIGTERM or Ctrl-C while waiting for the store.
    await app.StopAsync();
    return 0;
}
catch (Exception error)
{
    StoreLog.Unusable(storeLogger, error);
    Console.Error.WriteLine($"remotedev-control-plane: the store cannot be used: {error.Message}");
    await app.StopAsync();
    return 1;
}

app.Services.GetRequiredService<StoreGate>().Open();
var adminKeyPath = Path.Combine(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StoreOptions>>().Value.DataDirectory, AdminKeyBootstrap.FileName);
Console.WriteLine($"remotedev-control-plane: gRPC on {options.GrpcAddress}, health and metrics on http://{options.HttpAddress}; admin key in {adminKeyPath}");
await app.WaitForShutdownAsync();
return 0;
