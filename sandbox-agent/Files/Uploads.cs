using Grpc.Core;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Hosting;

namespace RemoteDev.Agent.Files;

/// <summary>
/// Chunked uploads. Each goes to a hidden file next to its target (same file system, so the final rename is atomic),
/// named by the target and the client's upload id, and is renamed over the target with its final chunk: nothing
/// half-written is ever visible at the target path. Chunks are written one at a time, each flushed to disk, so the
/// final chunk costs no more than another. An upload with no chunk for <see cref="IdleTimeout"/> is deleted by a sweep;
/// one an earlier run of the agent left is deleted when the next upload to the same path starts.
/// </summary>
internal sealed class Uploads : IDisposable
{
    public const string Suffix = ".rdev-upload";

    /// <summary>Long enough for a slow client between two chunks, short enough that an abandoned upload's disk comes back.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(15);

    /// <summary>Uploads tracked at once; a new one beyond is RESOURCE_EXHAUSTED until some finish or expire.</summary>
    public const int MaxInProgress = 256;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, long> _lastChunkAt = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _sweep;

    public Uploads(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _sweep = time.CreateTimer(_ => _ = SweepAsync(), null, SweepInterval, SweepInterval);
    }

    public static string TempPath(string path, string uploadId) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, $".{System.IO.Path.GetFileName(path)}.{uploadId}{Suffix}");

    /// <summary>Writes the chunk and returns the bytes of the upload received so far (its size once final).</summary>
    public async Task<long> WriteAsync(UploadChunk chunk, CancellationToken cancellationToken)
    {
        var temp = TempPath(chunk.Path, chunk.UploadId);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var received = await WriteChunkAsync(chunk, temp, cancellationToken);
            if (chunk.Final)
            {
                File.Move(temp, chunk.Path, overwrite: true);
                _lastChunkAt.Remove(temp);
            }
            else
            {
                _lastChunkAt[temp] = _time.GetTimestamp();
            }

            return received;
        }
        catch (IOException error)
        {
            throw new IOException(error.Message.Replace(temp, chunk.Path, StringComparison.Ordinal), error);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _sweep.Dispose();

    private async Task<long> WriteChunkAsync(UploadChunk chunk, string temp, CancellationToken cancellationToken)
    {
        await using var stream = chunk.Offset == 0 ? Begin(chunk, temp) : Continue(chunk, temp);
        var file = stream.SafeFileHandle;
        var received = RandomAccess.GetLength(file);
        if (chunk.Offset > received)
        {
            throw new ProcessHostException(StatusCode.OutOfRange, $"write_file.offset: {chunk.Offset} is past the {received} bytes upload {chunk.UploadId} received so far");
        }

        await RandomAccess.WriteAsync(file, chunk.Content, chunk.Offset, cancellationToken);
        var end = chunk.Offset + chunk.Content.Length;
        RandomAccess.SetLength(file, end);
        RandomAccess.FlushToDisk(file);
        if (chunk.Final)
        {
            File.SetUnixFileMode(file, chunk.Mode);
        }

        return end;
    }

    private FileStream Begin(UploadChunk chunk, string temp)
    {
        if (!_lastChunkAt.ContainsKey(temp) && _lastChunkAt.Count >= MaxInProgress)
        {
            throw new ProcessHostException(StatusCode.ResourceExhausted, $"write_file.upload_id: {MaxInProgress} uploads are in progress; finish some (an upload with no chunk for {IdleTimeout.TotalMinutes} min is deleted)");
        }

        var directory = System.IO.Path.GetDirectoryName(chunk.Path)!;
        Directory.CreateDirectory(directory);
        DeleteLeftovers(directory, $".{System.IO.Path.GetFileName(chunk.Path)}.");
        return Open(temp, FileMode.Create);
    }

    private static FileStream Continue(UploadChunk chunk, string temp)
    {
        try
        {
            return Open(temp, FileMode.Open);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ProcessHostException(StatusCode.NotFound, $"write_file.upload_id: no upload {chunk.UploadId} to {chunk.Path} is in progress: it was completed, deleted after {IdleTimeout.TotalMinutes} min without a chunk, or never began at offset 0");
        }
    }

    private static FileStream Open(string temp, FileMode mode) => new(temp, new FileStreamOptions
    {
        Mode = mode,
        Access = FileAccess.Write,
        Share = FileShare.None,
        Options = FileOptions.Asynchronous,
        BufferSize = 0,
        UnixCreateMode = mode == FileMode.Create ? PrivateMode : null,
    });

    /// <summary>
    /// Uploads to the same target that no one tracks (an earlier run of the agent began them) and that are idle. An
    /// upload id has no dot, so ".a.b.ID.rdev-upload" (an upload to a.b) is not one of a's.
    /// </summary>
    private void DeleteLeftovers(string directory, string prefix)
    {
        var idleSince = _time.GetUtcNow().UtcDateTime - IdleTimeout;
        foreach (var leftover in Directory.EnumerateFiles(directory, "*" + Suffix))
        {
            var name = System.IO.Path.GetFileName(leftover);
            if (name.Length > prefix.Length + Suffix.Length
                && name.StartsWith(prefix, StringComparison.Ordinal)
                && !name[prefix.Length..^Suffix.Length].Contains('.', StringComparison.Ordinal)
                && !_lastChunkAt.ContainsKey(leftover)
                && File.GetLastWriteTimeUtc(leftover) < idleSince)
            {
                Delete(leftover);
            }
        }
    }

    private async Task SweepAsync()
    {
        await _gate.WaitAsync();
        try
        {
            var now = _time.GetTimestamp();
            foreach (var (temp, _) in _lastChunkAt.Where(u => _time.GetElapsedTime(u.Value, now) >= IdleTimeout).ToList())
            {
                _lastChunkAt.Remove(temp);
                if (Delete(temp))
                {
                    FileLog.UploadExpired(_logger, temp, IdleTimeout.TotalMinutes);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool Delete(string temp)
    {
        try
        {
            File.Delete(temp);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            FileLog.UploadNotDeleted(_logger, temp, e);
            return false;
        }
    }
}
