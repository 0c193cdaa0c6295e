using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Auth;

/// <summary>The authenticated operator of a call, placed in <see cref="ServerCallContext.UserState"/> by <see cref="AuthInterceptor"/>.</summary>
internal sealed record Caller(string KeyId, Scope Scope, string Project, DateTimeOffset? ExpiresAt)
{
    public bool AllProjects => Project.Length == 0;

    /// <summary>PERMISSION_DENIED unless the key may act on <paramref name="project"/>.</summary>
    public void EnsureProject(string project)
    {
        if (!AllProjects && !string.Equals(Project, project, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"API key {KeyId} is restricted to another project."));
        }
    }

    /// <summary>
    /// PERMISSION_DENIED naming <paramref name="field"/> unless the key's scope is at least <paramref name="required"/>:
    /// for a call whose method needs less, but not the use it makes of that field.
    /// </summary>
    public void EnsureScope(Scope required, string field)
    {
        if (Scope < required)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{field}: needs scope {WireName(required)}; API key {KeyId} has {WireName(Scope)}"));
        }
    }

    private static string WireName(Scope scope) => "SCOPE_" + scope.ToString().ToUpperInvariant();
}

internal static class CallerContextExtensions
{
    private static readonly object Key = typeof(Caller);

    /// <summary>The caller of an operator call; the interceptor guarantees one for every non-public operator method.</summary>
    public static Caller GetCaller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var caller)
            ? (Caller)caller
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "No authenticated caller."));

    internal static void SetCaller(this ServerCallContext context, Caller caller) => context.UserState[Key] = caller;
}
