using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.Testing;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Auth;

/// <summary>
/// The interceptor on a real Kestrel gRPC server, called by the real gRPC client. The server's clock starts at the real
/// time and moves only when a test advances it, so a key's expiry comes exactly when the test says.
/// </summary>
public sealed class AuthInterceptorTests : StoreTestBase
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private AuthTestServer _server = null!;
    private GrpcChannel _channel = null!;
    private string _adminToken = "";

    [Fact]
    public async Task A_call_without_a_key_is_unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => new ApiKeys.ApiKeysClient(_channel).ListAsync(new ListApiKeysRequest(), Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_call_with_a_forged_secret_is_unauthenticated()
    {
        var keyId = _adminToken[.._adminToken.IndexOf('.', StringComparison.Ordinal)];

        var error = await Assert.ThrowsAsync<RpcException>(() => Sandboxes(keyId + ".forged").GetAsync(new GetSandboxRequest { Id = "x" }, Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_read_key_calling_a_change_is_permission_denied()
    {
        var read = await CreateKeyAsync(Scope.Read, "");

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Sandboxes(read).CreateAsync(new CreateSandboxRequest { Name = "web", Project = "alpha" }, Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task A_project_restricted_key_on_another_projects_sandbox_is_permission_denied()
    {
        var other = await Sandboxes(_adminToken).CreateAsync(new CreateSandboxRequest { Name = "web", Project = "beta" }, Deadline());
        var alphaOnly = await CreateKeyAsync(Scope.Execute, "alpha");

        var error = await Assert.ThrowsAsync<RpcException>(() => Sandboxes(alphaOnly).GetAsync(new GetSandboxRequest { Id = other.Id }, Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task A_project_restricted_key_reads_its_own_projects_sandbox()
    {
        var own = await Sandboxes(_adminToken).CreateAsync(new CreateSandboxRequest { Name = "web", Project = "alpha" }, Deadline());
        var alphaRead = await CreateKeyAsync(Scope.Read, "alpha");

        var fetched = await Sandboxes(alphaRead).GetAsync(new GetSandboxRequest { Id = own.Id }, Deadline());

        Assert.Equal("alpha", fetched.Project);
    }

    [Fact]
    public async Task An_execute_key_cannot_manage_api_keys()
    {
        var execute = await CreateKeyAsync(Scope.Execute, "");

        var error = await Assert.ThrowsAsync<RpcException>(() => Keys(execute).ListAsync(new ListApiKeysRequest(), Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_unauthenticated_at_once()
    {
        var created = await Keys(_adminToken).CreateAsync(new CreateApiKeyRequest { Name = "temp", Scope = Scope.Read }, Deadline());

        await Keys(_adminToken).RevokeAsync(new RevokeApiKeyRequest { Id = created.Key.Id }, Deadline());

        var error = await Assert.ThrowsAsync<RpcException>(() => Sandboxes(created.Token).GetAsync(new GetSandboxRequest { Id = "x" }, Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_key_revoked_while_its_watch_is_open_ends_the_watch_unauthenticated()
    {
        var created = await Keys(_adminToken).CreateAsync(new CreateApiKeyRequest { Name = "watcher", Scope = Scope.Read }, Deadline());
        using var watch = Sandboxes(created.Token).Watch(new WatchSandboxesRequest(), Deadline());
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));

        await Keys(_adminToken).RevokeAsync(new RevokeApiKeyRequest { Id = created.Key.Id }, Deadline());

        var error = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("revoked", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_expires_while_its_watch_is_open_ends_the_watch_unauthenticated()
    {
        var expiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_clock.GetUtcNow().AddHours(1));
        var created = await Keys(_adminToken).CreateAsync(new CreateApiKeyRequest { Name = "brief", Scope = Scope.Read, ExpiresAt = expiresAt }, Deadline());
        // No deadline: the server would time it on the clock this test moves. The test's own bound is a cancellation.
        using var bound = new CancellationTokenSource(CallTimeout);
        using var watch = Sandboxes(created.Token).Watch(new WatchSandboxesRequest(), cancellationToken: bound.Token);
        Assert.True(await watch.ResponseStream.MoveNext(bound.Token));

        _clock.Advance(TimeSpan.FromHours(1));
        var error = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(bound.Token));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("API key expired during the call.", error.Status.Detail);
    }

    [Fact]
    public async Task Creating_a_key_with_a_past_expiry_names_the_field()
    {
        var request = new CreateApiKeyRequest { Name = "old", Scope = Scope.Read, ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)) };

        var error = await Assert.ThrowsAsync<RpcException>(() => Keys(_adminToken).CreateAsync(request, Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("expires_at", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_keys_never_returns_secrets()
    {
        var created = await Keys(_adminToken).CreateAsync(new CreateApiKeyRequest { Name = "ci", Scope = Scope.Execute, Project = "alpha" }, Deadline());

        var list = await Keys(_adminToken).ListAsync(new ListApiKeysRequest(), Deadline());

        var listed = Assert.Single(list.Keys, k => k.Id == created.Key.Id);
        Assert.Equal(("ci", Scope.Execute, "alpha"), (listed.Name, listed.Scope, listed.Project));
        Assert.DoesNotContain(created.Token[(created.Token.IndexOf('.', StringComparison.Ordinal) + 1)..], list.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_operator_method_of_the_contract_has_a_scope()
    {
        var services = new[] { V1.Sandboxes.Descriptor, Processes.Descriptor, Files.Descriptor, Env.Descriptor, ApiKeys.Descriptor, AgentGateway.Descriptor };

        var missing = services.SelectMany(s => s.Methods.Select(m => $"/{s.FullName}/{m.Name}")).Where(m => !MethodScopes.All.ContainsKey(m));

        Assert.Empty(missing);
    }

    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _server = await AuthTestServer.StartAsync(Store, _clock);
        await _server.Service<AdminKeyBootstrap>().EnsureAsync(DataDirectory, CancellationToken.None);
        _adminToken = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, AdminKeyBootstrap.FileName))).Trim();
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public override async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
        await base.DisposeAsync();
    }

    private static CallOptions Deadline(Metadata? headers = null) => new(headers, DateTime.UtcNow + CallTimeout);

    private V1.Sandboxes.SandboxesClient Sandboxes(string token) => new(_channel.CreateCallInvoker().Intercept(h => Bearer(h, token)));

    private ApiKeys.ApiKeysClient Keys(string token) => new(_channel.CreateCallInvoker().Intercept(h => Bearer(h, token)));

    private static Metadata Bearer(Metadata headers, string token)
    {
        headers.Add("authorization", "Bearer " + token);
        return headers;
    }

    private async Task<string> CreateKeyAsync(Scope scope, string project) =>
        (await Keys(_adminToken).CreateAsync(new CreateApiKeyRequest { Name = $"{scope}-{project}", Scope = scope, Project = project }, Deadline())).Token;
}
