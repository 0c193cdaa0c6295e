namespace RemoteDev.Supervisor.Supervision;

/// <summary>
/// Waits until every dependency holds: a process started (running, or ran and exited), healthy, or completed
/// (exited 0); or a file exists (checked every <see cref="FilePollInterval"/> until its timeout). A process not
/// registered (yet) is waited for until the first reconcile: a restored durable process may depend on a configured one
/// that the first reconcile brings only after the supervisor started. Missing after that, it was removed by a reconcile
/// (removing it any other way is refused while it has dependents) and the wait fails.
/// </summary>
internal sealed class DependencyWaiter(ProcessContext ctx, IReadOnlyList<DependencySpec> dependencies)
{
    private static readonly TimeSpan FilePollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Null when all hold; otherwise why they never will.</summary>
    public async Task<string?> WaitAsync(CancellationToken cancellationToken)
    {
        foreach (var dependency in dependencies)
        {
            var failure = dependency switch
            {
                ProcessDependency p => await WaitForProcessAsync(p, cancellationToken).ConfigureAwait(false),
                FileDependency f => await WaitForFileAsync(f, cancellationToken).ConfigureAwait(false),
                _ => $"unknown dependency {dependency.GetType().Name}",
            };
            if (failure is not null)
            {
                return failure;
            }
        }

        return null;
    }

    private async Task<string?> WaitForProcessAsync(ProcessDependency dependency, CancellationToken cancellationToken)
    {
        while (true)
        {
            var membership = ctx.NextMembershipChange();
            var actor = ctx.Lookup(dependency.Name);
            if (actor is null)
            {
                if (ctx.ConfiguredSetKnown())
                {
                    return $"dependency '{dependency.Name}' was removed";
                }

                await membership.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            var changed = actor.ChangedAsync;
            var status = actor.Status;
            var verdict = Check(dependency, status);
            if (verdict is not null)
            {
                return verdict.Value.Holds ? null : verdict.Value.Failure;
            }

            // A removed dependency changes no more: its removal wakes the wait instead.
            await Task.WhenAny(changed, membership).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static (bool Holds, string? Failure)? Check(ProcessDependency dependency, ProcessStatus status)
    {
        var name = dependency.Name;
        return (dependency.Condition, status.State) switch
        {
            (_, ProcessState.Failed) => (false, $"dependency '{name}' failed: {status.Reason}"),
            (DependencyCondition.Started, ProcessState.Running or ProcessState.Exited) => (true, null),
            (DependencyCondition.Healthy, ProcessState.Running) when status.Health == HealthStatus.Healthy => (true, null),
            (DependencyCondition.Completed, ProcessState.Exited) when status.ExitCode == 0 => (true, null),
            (DependencyCondition.Completed, ProcessState.Exited) => (false, $"dependency '{name}' did not complete: {status.Reason}"),
            _ => null,
        };
    }

    private async Task<string?> WaitForFileAsync(FileDependency dependency, CancellationToken cancellationToken)
    {
        var deadline = ctx.Time.GetUtcNow() + dependency.Timeout;
        while (!File.Exists(dependency.Path))
        {
            if (ctx.Time.GetUtcNow() >= deadline)
            {
                return $"file '{dependency.Path}' did not appear within {dependency.Timeout}";
            }

            await Task.Delay(FilePollInterval, ctx.Time, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }
}
