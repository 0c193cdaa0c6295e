using System.Text;
using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Caps on what a sandbox stores, so that every message carrying it stays well inside what its receivers take. The
/// spec goes whole into the agent's hello ack and every desired push (the agent takes up to 16 MiB), and twice into
/// each Sandbox that Get, List and Watch answer (as spec and as status.processes[].spec) to clients whose default
/// receive limit is 4 MiB: a 1 MiB spec and 64 KiB of labels keep a Sandbox near 2.1 MiB, half that limit, and under
/// the List page budget (<see cref="SandboxListPage.BudgetBytes"/>). The spec is measured as stored and as answered,
/// whichever is larger: redaction turns every env value into "[redacted]", so a spec of many short values grows when
/// answered. Checked by
/// Create and by every change that adds to a spec (Env/Set, Processes/Add and Reload; Start and Stop only flip a
/// process's desired state), inside the update that would exceed it: RESOURCE_EXHAUSTED naming the field, nothing
/// stored.
/// </summary>
internal static class SpecLimits
{
    public const int MaxSpecBytes = 1024 * 1024;
    public const int MaxLabelBytes = 64 * 1024;

    public static void RequireSpec(SandboxSpec spec, string field)
    {
        var size = Math.Max(spec.CalculateSize(), EnvRedaction.Spec(spec).CalculateSize());
        if (size > MaxSpecBytes)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{field}: the sandbox's spec would be {size} bytes serialized (as stored or, env values redacted, as answered), over the limit of {MaxSpecBytes} (1 MiB)"));
        }
    }

    public static void RequireLabels(IEnumerable<KeyValuePair<string, string>> labels, string field)
    {
        var size = labels.Sum(l => Encoding.UTF8.GetByteCount(l.Key) + Encoding.UTF8.GetByteCount(l.Value));
        if (size > MaxLabelBytes)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{field}: {size} bytes of keys and values, over the limit of {MaxLabelBytes} (64 KiB)"));
        }
    }
}
