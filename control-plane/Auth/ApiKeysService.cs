using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Auth;

/// <summary>
/// remotedev.v1.ApiKeys (ADMIN scope, enforced by <see cref="AuthInterceptor"/>). A project-restricted admin manages
/// only keys of its own project.
/// </summary>
internal sealed class ApiKeysService(ApiKeyAuthenticator authenticator, IApiKeyStore keys, KeyRevocations revocations, TimeProvider time, ILogger<ApiKeysService> logger)
    : ApiKeys.ApiKeysBase
{
    private const int MaxNameLength = 200;

    public override async Task<CreateApiKeyResponse> Create(CreateApiKeyRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.Name.Length is 0 or > MaxNameLength)
        {
            throw Invalid("name", $"must be 1 to {MaxNameLength} characters");
        }

        if (request.Scope is not (Scope.Read or Scope.Execute or Scope.Admin))
        {
            throw Invalid("scope", "must be SCOPE_READ, SCOPE_EXECUTE or SCOPE_ADMIN");
        }

        DateTimeOffset? expires = request.ExpiresAt is null ? null : request.ExpiresAt.ToDateTimeOffset();
        if (expires is { } e && e <= time.GetUtcNow())
        {
            throw Invalid("expires_at", "must be in the future");
        }

        if (!caller.AllProjects)
        {
            caller.EnsureProject(request.Project);
        }

        var created = await authenticator.CreateAsync(new NewApiKey(request.Name, request.Scope, request.Project, expires), context.CancellationToken);
        AuthLog.KeyCreated(logger, created.Key.Id, created.Key.Scope, caller.KeyId);
        return new CreateApiKeyResponse { Key = ToProto(created.Key), Token = created.Token };
    }

    public override async Task<ListApiKeysResponse> List(ListApiKeysRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var response = new ListApiKeysResponse();
        foreach (var key in await keys.ListAsync(context.CancellationToken))
        {
            if (caller.AllProjects || key.Project == caller.Project)
            {
                response.Keys.Add(ToProto(key));
            }
        }

        return response;
    }

    public override async Task<ApiKey> Revoke(RevokeApiKeyRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.Id.Length == 0)
        {
            throw Invalid("id", "is required");
        }

        var stored = await keys.GetAsync(request.Id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"API key {request.Id} not found."));
        if (!caller.AllProjects && stored.Key.Project != caller.Project)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"API key {request.Id} belongs to another project."));
        }

        var revoked = await keys.RevokeAsync(request.Id, context.CancellationToken);
        revocations.Revoked(revoked.Id);
        AuthLog.KeyRevoked(logger, revoked.Id, caller.KeyId);
        return ToProto(revoked);
    }

    internal static ApiKey ToProto(ApiKeyRecord key)
    {
        var proto = new ApiKey
        {
            Id = key.Id,
            Name = key.Name,
            Scope = key.Scope,
            Project = key.Project,
            CreatedAt = Timestamp.FromDateTimeOffset(key.CreatedAt),
            Revoked = key.Revoked,
        };
        if (key.ExpiresAt is { } expires)
        {
            proto.ExpiresAt = Timestamp.FromDateTimeOffset(expires);
        }

        return proto;
    }

    private static RpcException Invalid(string field, string problem) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {problem}"));
}
