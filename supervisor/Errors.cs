namespace RemoteDev.Supervisor;

/// <summary>One or more specs were rejected; <see cref="Problems"/> lists every problem found.</summary>
public sealed class SpecValidationException(IReadOnlyList<string> problems)
    : Exception("invalid process spec: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

public sealed class ProcessNotFoundException(string name) : Exception($"no process named '{name}'")
{
    public string Name { get; } = name;
}

/// <summary>An operation that does not apply to the process in its current state or mode.</summary>
public sealed class ProcessOperationException(string message) : Exception(message);

/// <summary>The event subscriber fell behind and lost events after <see cref="LastSeq"/>; resync via List.</summary>
public sealed class EventsLostException(ulong lastSeq) : Exception($"events after seq {lastSeq} were lost")
{
    public ulong LastSeq { get; } = lastSeq;
}

/// <summary>
/// The supervisor could not get what it needs from the kernel to start (an epoll loop, an inotify instance); the
/// message names the call, the OS error and, where one applies, the limit to raise.
/// </summary>
public sealed class SupervisorStartException(string message) : Exception(message);

/// <summary>A one-shot command could not be started; the message names the executable and the OS error.</summary>
public sealed class CommandStartException(string message) : Exception(message);
