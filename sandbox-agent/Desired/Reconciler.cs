using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Env;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Desired;

/// <summary>
/// Converges the supervised processes and the global env to the control plane's desired set: adds new processes,
/// reloads changed ones, removes absent ones except the initial processes from the process file. Only the newest
/// desired set waits; a set that could not be fully applied leaves <see cref="AppliedGeneration"/> unchanged.
/// </summary>
internal sealed class Reconciler(IProcessHost host, GlobalEnvFile env, IReadOnlySet<string> initialProcesses, ILogger logger)
{
    private readonly Channel<DesiredSandbox> _latest = Channel.CreateBounded<DesiredSandbox>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private long _appliedGeneration;

    public ulong AppliedGeneration => (ulong)Interlocked.Read(ref _appliedGeneration);

    public void Submit(DesiredSandbox desired) => _latest.Writer.TryWrite(desired);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var desired in _latest.Reader.ReadAllAsync(cancellationToken))
        {
            var problems = await ApplyAsync(desired, cancellationToken);
            if (problems == 0)
            {
                Interlocked.Exchange(ref _appliedGeneration, (long)desired.Generation);
                ReconcileLog.Applied(logger, desired.Generation, desired.Processes.Count);
            }
            else
            {
                ReconcileLog.Partial(logger, desired.Generation, problems);
            }
        }
    }

    private async Task<int> ApplyAsync(DesiredSandbox desired, CancellationToken cancellationToken)
    {
        var problems = 0;
        problems += await TryAsync("env", () => env.ReplaceAsync(desired.Env, cancellationToken));
        var current = host.List([]).ToDictionary(p => p.Name, StringComparer.Ordinal);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in desired.Processes)
        {
            wanted.Add(spec.Name);
            if (!current.TryGetValue(spec.Name, out var status))
            {
                problems += await TryAsync(spec.Name, () => host.AddAsync(spec, cancellationToken));
            }
            else if (!spec.Equals(status.Spec))
            {
                problems += await TryAsync(spec.Name, () => host.ReloadAsync(spec, restartNow: true, cancellationToken));
            }
        }

        foreach (var name in current.Keys.Where(n => !wanted.Contains(n) && !initialProcesses.Contains(n)))
        {
            problems += await TryAsync(name, () => host.RemoveAsync(name, cancellationToken));
        }

        return problems;
    }

    private async Task<int> TryAsync(string target, Func<Task> step)
    {
        try
        {
            await step();
            return 0;
        }
        catch (ProcessHostException e)
        {
            ReconcileLog.StepFailed(logger, target, e.Code.ToString(), e.Message);
            return 1;
        }
    }
}

internal static partial class ReconcileLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Applied desired generation {Generation} ({Count} processes)")]
    public static partial void Applied(ILogger logger, ulong generation, int count);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Desired generation {Generation} applied with {Problems} problems; it is retried with the next desired set")]
    public static partial void Partial(ILogger logger, ulong generation, int problems);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Reconcile of {Target} failed ({Code}): {Reason}")]
    public static partial void StepFailed(ILogger logger, string target, string code, string reason);
}
