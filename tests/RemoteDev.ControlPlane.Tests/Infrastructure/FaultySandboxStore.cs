using System.Data.Common;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The real sandbox store, except for the calls told to fail: those throw <see cref="InjectedStoreFailure"/>, as the
/// database does on a full disk or a dropped connection, without reaching the store.
/// </summary>
internal sealed class FaultySandboxStore(ISandboxStore store) : ISandboxStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly HashSet<(string Method, int Call)> _failing = [];
    private readonly HashSet<string> _failingEveryCall = new(StringComparer.Ordinal);
    private readonly HashSet<SandboxPhase> _failingStatusWrites = [];
    private readonly List<StatusWrite> _statusWrites = [];

    /// <summary>Status writes tried so far, in order, failed ones included.</summary>
    public IReadOnlyList<StatusWrite> StatusWrites
    {
        get
        {
            lock (_gate)
            {
                return [.. _statusWrites];
            }
        }
    }

    /// <summary>How many times <paramref name="method"/> was called so far, failed calls included.</summary>
    public int Calls(string method)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(method);
        }
    }

    /// <summary>Fails calls number <paramref name="calls"/> (counting from 1, every call so far included) of <paramref name="method"/>.</summary>
    public void FailCalls(string method, params int[] calls)
    {
        lock (_gate)
        {
            foreach (var call in calls)
            {
                _failing.Add((method, call));
            }
        }
    }

    /// <summary>Fails every call of <paramref name="method"/> until <see cref="StopFailing"/>, as an unreachable database does.</summary>
    public void FailEveryCall(string method)
    {
        lock (_gate)
        {
            _failingEveryCall.Add(method);
        }
    }

    public void StopFailing(string method)
    {
        lock (_gate)
        {
            _failingEveryCall.Remove(method);
        }
    }

    /// <summary>Fails the next status write that records <paramref name="phase"/>.</summary>
    public void FailNextStatusWrite(SandboxPhase phase)
    {
        lock (_gate)
        {
            _failingStatusWrites.Add(phase);
        }
    }

    public Task<SandboxRecord> CreateAsync(NewSandbox sandbox, CancellationToken cancellationToken) =>
        Call(nameof(CreateAsync), () => store.CreateAsync(sandbox, cancellationToken));

    public Task<SandboxRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        Call(nameof(GetAsync), () => store.GetAsync(id, cancellationToken));

    public Task<SandboxPage> ListAsync(SandboxQuery query, CancellationToken cancellationToken) =>
        Call(nameof(ListAsync), () => store.ListAsync(query, cancellationToken));

    public Task<SandboxRecord> UpdateSpecAsync(string id, SandboxSpec spec, long? expectedRevision, CancellationToken cancellationToken) =>
        Call(nameof(UpdateSpecAsync), () => store.UpdateSpecAsync(id, spec, expectedRevision, cancellationToken));

    public Task<SandboxRecord> MarkDeletedAsync(string id, CancellationToken cancellationToken) =>
        Call(nameof(MarkDeletedAsync), () => store.MarkDeletedAsync(id, cancellationToken));

    public Task<SandboxRecord> UpdateStatusAsync(string id, SandboxStatus status, long expectedRevision, CancellationToken cancellationToken)
    {
        bool fails;
        lock (_gate)
        {
            fails = _failingStatusWrites.Remove(status.Phase);
            _statusWrites.Add(new StatusWrite(id, status.Phase, status.Reason, fails));
        }

        return fails
            ? Task.FromException<SandboxRecord>(new InjectedStoreFailure($"{nameof(UpdateStatusAsync)} to {status.Phase}"))
            : Call(nameof(UpdateStatusAsync), () => store.UpdateStatusAsync(id, status, expectedRevision, cancellationToken));
    }

    public Task PurgeAsync(string id, CancellationToken cancellationToken) =>
        Call(nameof(PurgeAsync), async () =>
        {
            await store.PurgeAsync(id, cancellationToken);
            return true;
        });

    public Task<IReadOnlyList<EndedSandbox>> ListEndedAsync(DateTimeOffset endedBefore, EndedSandbox? after, int limit, CancellationToken cancellationToken) =>
        Call(nameof(ListEndedAsync), () => store.ListEndedAsync(endedBefore, after, limit, cancellationToken));

    public Task<bool> PurgeEndedAsync(string id, DateTimeOffset endedBefore, CancellationToken cancellationToken) =>
        Call(nameof(PurgeEndedAsync), () => store.PurgeEndedAsync(id, endedBefore, cancellationToken));

    public Task<int> ForgetPurgesAsync(DateTimeOffset purgedBefore, int limit, CancellationToken cancellationToken) =>
        Call(nameof(ForgetPurgesAsync), () => store.ForgetPurgesAsync(purgedBefore, limit, cancellationToken));

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken) =>
        Call(nameof(GetRevisionAsync), () => store.GetRevisionAsync(cancellationToken));

    public Task<IReadOnlyList<SandboxChange>> ListChangedSinceAsync(long afterRevision, int limit, CancellationToken cancellationToken) =>
        Call(nameof(ListChangedSinceAsync), () => store.ListChangedSinceAsync(afterRevision, limit, cancellationToken));

    public Task WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken) =>
        Call(nameof(WaitForChangeAsync), async () =>
        {
            await store.WaitForChangeAsync(afterRevision, cancellationToken);
            return true;
        });

    private Task<T> Call<T>(string method, Func<Task<T>> call)
    {
        bool fails;
        lock (_gate)
        {
            var number = _calls.GetValueOrDefault(method) + 1;
            _calls[method] = number;
            fails = _failing.Remove((method, number)) || _failingEveryCall.Contains(method);
        }

        return fails ? Task.FromException<T>(new InjectedStoreFailure($"{method} call")) : call();
    }
}

internal sealed record StatusWrite(string SandboxId, SandboxPhase Phase, string Reason, bool Failed);

/// <summary>A store failure a test injected; a <see cref="DbException"/>, as the store's own failures are.</summary>
internal sealed class InjectedStoreFailure(string what) : DbException($"injected store failure: {what}");
