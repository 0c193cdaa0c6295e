using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Env;

/// <summary>
/// Turns file events in env folders into per-process notices: re-reads each changed env file once, then tells every
/// process that reads it whether it changed or failed to parse. The process itself decides if its env changed.
/// <see cref="Refresh"/> does the same at once for an edit the supervisor made itself, so that what starts next sees
/// it; the file event that follows then finds nothing new. A folder that appears later (a repository cloned after the
/// process started) has each of its env files re-read once, as a file event would. A (re)start re-reads the files
/// of a folder that could not be watched (<see cref="RefreshUnwatched"/>).
/// </summary>
internal sealed class EnvWatch : IDisposable
{
    private readonly EnvFileCache _cache;
    private readonly ILogger _logger;
    private readonly Func<IEnumerable<(IReadOnlySet<string> Files, Action Changed, Action<string> Failed)>> _readers;
    private readonly ConcurrentDictionary<string, byte> _dirty = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _appeared = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly DirectoryWatcher _watcher;
    private readonly Task _loop;
    private readonly Lock _apply = new();

    public EnvWatch(
        IoLoop io,
        EnvFileCache cache,
        ILogger logger,
        Func<IEnumerable<(IReadOnlySet<string> Files, Action Changed, Action<string> Failed)>> readers)
    {
        _cache = cache;
        _logger = logger;
        _readers = readers;
        _watcher = new DirectoryWatcher(io, OnFileEvent, OnDirectoryAppeared);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Watches the folders of these files (those missing from when they appear).</summary>
    public void WatchFiles(IEnumerable<string> files)
    {
        foreach (var directory in files.Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            _watcher.Watch(directory);
        }
    }

    public void Dispose()
    {
        _signal.Writer.TryComplete();
        _loop.Wait();
    }

    /// <summary>Re-reads those of <paramref name="files"/> whose folder has no watch, and tells their readers.</summary>
    public void RefreshUnwatched(IEnumerable<string> files)
    {
        foreach (var file in files.Where(f => Path.GetDirectoryName(f) is { } folder && !_watcher.IsWatched(folder)))
        {
            Apply(file);
        }
    }

    private void OnFileEvent(string path)
    {
        _dirty[path] = 0;
        _signal.Writer.TryWrite(true);
    }

    private void OnDirectoryAppeared(string directory)
    {
        _appeared[directory] = 0;
        _signal.Writer.TryWrite(true);
    }

    private async Task RunAsync()
    {
        await foreach (var unused in _signal.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var paths = _dirty.Keys.ToList();
            foreach (var path in paths)
            {
                _dirty.TryRemove(path, out var ignored);
            }

            var appeared = _appeared.Keys.ToList();
            foreach (var directory in appeared)
            {
                _appeared.TryRemove(directory, out var ignored);
            }

            paths.AddRange(_readers()
                .SelectMany(r => r.Files)
                .Where(f => appeared.Contains(Path.GetDirectoryName(f) ?? string.Empty, StringComparer.Ordinal))
                .Distinct(StringComparer.Ordinal));

            foreach (var path in paths)
            {
                Apply(path);
            }
        }
    }

    /// <summary>Re-reads an env file now and tells its readers, as its file event would.</summary>
    public void Refresh(string path) => Apply(path);

    private void Apply(string path)
    {
        lock (_apply)
        {
            var readers = _readers().Where(r => r.Files.Contains(path)).ToList();

            // A file nobody reads and nothing cached is left for whoever reads it first.
            if (readers.Count == 0 && !_cache.Holds(path))
            {
                return;
            }

            var load = _cache.Reload(path);
            if (load.Error is not null)
            {
                SupervisorLog.EnvFileError(_logger, load.Error);
            }

            foreach (var reader in readers)
            {
                if (load.Error is not null)
                {
                    reader.Failed(load.Error);
                }
                else if (load.Changed)
                {
                    reader.Changed();
                }
            }
        }
    }
}
