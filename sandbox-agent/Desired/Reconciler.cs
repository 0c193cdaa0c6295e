using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Desired;

/// <summary>
/// Converges the supervised processes and the global env to the control plane's desired set. The configured set is
/// the initial processes (from the process file) plus the desired ones (a desired spec replaces an initial one of
/// the same name): new ones are added, changed ones reloaded and restarted, configured ones no longer present
/// removed; the initial processes are never removed. Only the newest desired set waits; a set that is rejected
/// leaves <see cref="AppliedGeneration"/> unchanged.
/// </summary>
internal sealed class Reconciler(IProcessHost host, IReadOnlyList<ProcessSpec> initialProcesses, ILogger logger)
{
    private readonly Channel<DesiredSandbox> _latest = Channel.CreateBounded<DesiredSandbox>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly TaskCompletionSource _initialApplied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _appliedGeneration;

    public ulong AppliedGeneration => (ulong)Interlocked.Read(ref _appliedGeneration);

    public IReadOnlySet<string> InitialNames { get; } = initialProcesses.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    public void Submit(DesiredSandbox desired) => _latest.Writer.TryWrite(desired);

    /// <summary>Completes once the initial processes were handed to the supervisor (faults if it rejected them).</summary>
    public Task InitialApplied => _initialApplied.Task;

    /// <summary>Applies the initial processes first, then every desired set, one at a time.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await host.ReconcileAsync(initialProcesses, cancellationToken);
            _initialApplied.TrySetResult();
        }
        catch (Exception e)
        {
            _initialApplied.TrySetException(e);
        }

        await foreach (var desired in _latest.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                host.ReplaceEnv(desired.Env);
                var wanted = desired.Processes.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
                var configured = initialProcesses.Where(s => !wanted.Contains(s.Name)).Concat(desired.Processes).ToList();
                await host.ReconcileAsync(configured, cancellationToken);
                Interlocked.Exchange(ref _appliedGeneration, (long)desired.Generation);
                ReconcileLog.Applied(logger, desired.Generation, desired.Processes.Count);
            }
            catch (ProcessHostException e)
            {
                ReconcileLog.Rejected(logger, desired.Generation, e.Code.ToString(), e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug for the log, never the end of the loop: the next desired set is still applied.
                ReconcileLog.Failed(logger, desired.Generation, e);
            }
        }
    }
}

internal static partial class ReconcileLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Applied desired generation {Generation} ({Count} processes)")]
    public static partial void Applied(ILogger logger, ulong generation, int count);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Desired generation {Generation} was rejected ({Code}): {Reason}")]
    public static partial void Rejected(ILogger logger, ulong generation, string code, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Desired generation {Generation} could not be applied")]
    public static partial void Failed(ILogger logger, ulong generation, Exception error);
}
