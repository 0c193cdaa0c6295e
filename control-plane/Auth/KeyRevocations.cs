using System.Collections.Concurrent;

namespace RemoteDev.ControlPlane.Auth;

/// <summary>
/// Per API key, a token cancelled when the key is revoked on this control plane: the streaming calls it opened end
/// then, not at their natural end. A key once revoked stays revoked, so a call authorised just before gets a cancelled
/// token at once.
/// </summary>
internal sealed class KeyRevocations
{
    private static readonly CancellationToken Ended = new(canceled: true);

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _revoked = new(StringComparer.Ordinal);

    public CancellationToken For(string keyId)
    {
        if (_revoked.ContainsKey(keyId))
        {
            return Ended;
        }

        var token = _live.GetOrAdd(keyId, _ => new CancellationTokenSource()).Token;
        return _revoked.ContainsKey(keyId) ? Ended : token;
    }

    public void Revoked(string keyId)
    {
        _revoked.TryAdd(keyId, 0);
        if (_live.TryRemove(keyId, out var source))
        {
            source.Cancel();
        }
    }
}
