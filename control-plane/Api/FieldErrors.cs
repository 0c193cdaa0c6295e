using Grpc.Core;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Collects every bad field of a request, then fails with one INVALID_ARGUMENT naming them all.</summary>
internal sealed class FieldErrors
{
    private readonly List<string> _errors = [];

    public void Add(string field, string reason) => _errors.Add($"{field}: {reason}");

    public void Require(bool condition, string field, string reason)
    {
        if (!condition)
        {
            Add(field, reason);
        }
    }

    public bool Any => _errors.Count > 0;

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", _errors)));
        }
    }

    public static void RequireId(string value, string field)
    {
        var errors = new FieldErrors();
        errors.Require(value.Length > 0, field, "required");
        errors.ThrowIfAny();
    }
}
