namespace RemoteDev.ControlPlane.Store;

/// <summary>
/// Opens once the store is migrated at launch (<see cref="StoreStartup"/>). The control plane listens before that, so
/// probes answer while it waits for its database; until the gate opens the API answers UNAVAILABLE and the background
/// services that use the store wait for it.
/// </summary>
internal sealed class StoreGate
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Opened => _opened.Task;

    public bool IsOpen => _opened.Task.IsCompleted;

    public void Open() => _opened.TrySetResult();
}
