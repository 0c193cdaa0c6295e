using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>
/// The one thread that runs SQLite's write transactions. A commit waits for fsync inside a synchronous call; on the
/// thread pool that wait would hold one of a small machine's few workers for most of every millisecond while output
/// streams in, and everything else (attachers' live output among it) would queue behind it.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private const int QueueCapacity = 256;

    private readonly SqliteConnection _connection;
    private readonly Channel<Work> _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
    });

    private readonly Thread _thread;

    public SqliteWriter(SqliteConnection connection)
    {
        _connection = connection;
        _thread = new Thread(Run) { IsBackground = true, Name = "sqlite-writer" };
        _thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction on the writer thread. Cancellation counts only until the work
    /// starts: once it runs, it commits or fails as a whole and the caller learns which.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var item = new Work<T>(work);
        await _queue.Writer.WriteAsync(item, cancellationToken);
        await using var cancel = cancellationToken.Register(static w => ((Work)w!).Cancel(), item);
        return await item.Task;
    }

    private void Run()
    {
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item))
            {
                item.RunOn(_connection);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.Run(_thread.Join);
        await _connection.DisposeAsync();
    }

    private abstract class Work
    {
        private const int Queued = 0;
        private const int Started = 1;
        private const int Cancelled = 2;

        private int _state;

        public void Cancel()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                SetCanceled();
            }
        }

        public void RunOn(SqliteConnection connection)
        {
            if (Interlocked.CompareExchange(ref _state, Started, Queued) == Queued)
            {
                Run(connection);
            }
        }

        protected abstract void SetCanceled();

        protected abstract void Run(SqliteConnection connection);
    }

    private sealed class Work<T>(Func<DbConnection, DbTransaction, Task<T>> work) : Work
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _result.Task;

        protected override void SetCanceled() => _result.SetCanceled();

        protected override void Run(SqliteConnection connection)
        {
            try
            {
                using var transaction = connection.BeginTransaction();
                var result = work(connection, transaction).GetAwaiter().GetResult();
                transaction.Commit();
                _result.SetResult(result);
            }
            catch (Exception error)
            {
                _result.SetException(error);
            }
        }
    }
}
