using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Store;

/// <summary>
/// Brings the store up at launch (migrations, the bootstrap admin key) while the control plane already listens (its
/// probes answer, its API says UNAVAILABLE until <see cref="StoreGate"/> opens), waiting out a database that is not
/// accepting connections yet (PostgreSQL started with the control plane, or restarting) for up to
/// <see cref="Patience"/>: transient failures are logged and retried with backoff. Anything else (bad credentials, a
/// missing database, a broken SQLite file) fails at once, as does a database still away after that long.
/// </summary>
internal static class StoreStartup
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(Func<CancellationToken, Task> initialize, ILogger logger, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        for (var failures = 1; ; failures++)
        {
            var delay = RetryDelays.Doubling(FirstDelay, MaxDelay, failures);
            try
            {
                await initialize(cancellationToken);
                return;
            }
            catch (DbException error) when (error.IsTransient && waited.Elapsed + delay < Patience)
            {
                StoreLog.NotReachable(logger, delay.TotalMilliseconds, error.Message);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }
}
