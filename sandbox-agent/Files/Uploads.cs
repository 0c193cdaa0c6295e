using Grpc.Core;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Native;
using RemoteDev.V1;

namespace RemoteDev.Agent.Files;

/// <summary>
/// Chunked uploads. Each goes to a hidden file next to its target (same file system, so the final rename is atomic),
/// named by the target and the client's upload id, and is renamed over the target with its final chunk: nothing
/// half-written is ever visible at the target path. Chunks are written one at a time, each flushed to disk, so the
/// final chunk costs no more than another. Retries are safe: a chunk sent again gets the answer it got the first time,
/// also after the upload was put in place (<see cref="CompletedUploads"/>). An upload with no chunk for
/// <see cref="IdleTimeout"/> is deleted by a sweep; the <see cref="UploadJournal"/> names those a crash left.
/// </summary>
internal sealed class Uploads : IDisposable
{
    public const string Suffix = ".rdev-upload";

    /// <summary>Long enough for a slow client between two chunks, short enough that an abandoned upload's disk comes back.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(15);

    /// <summary>Uploads tracked at once; a new one beyond is RESOURCE_EXHAUSTED until some finish or expire.</summary>
    public const int MaxInProgress = 256;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, long> _lastChunkAt = new(StringComparer.Ordinal);
    private readonly CompletedUploads _completed;
    private readonly UploadJournal _journal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _sweep;

    public Uploads(TimeProvider time, UploadJournal journal, ILogger logger)
    {
        _time = time;
        _journal = journal;
        _logger = logger;
        _completed = new CompletedUploads(time);
        _sweep = time.CreateTimer(_ => _ = SweepAsync(), null, SweepInterval, SweepInterval);
    }

    public static string TempPath(string path, string uploadId) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, $".{System.IO.Path.GetFileName(path)}.{uploadId}{Suffix}");

    /// <summary>
    /// Writes the chunk. Answers where it ends (the bytes of the upload received so far) or, once final, the size and
    /// version of the file put in place.
    /// </summary>
    public async Task<FileContent> WriteAsync(UploadChunk chunk, CancellationToken cancellationToken)
    {
        var temp = TempPath(chunk.Path, chunk.UploadId);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_completed.Find(temp) is { } done)
            {
                return await RepeatedChunks.AnswerAsync(chunk, done, cancellationToken);
            }

            if (!_lastChunkAt.ContainsKey(temp))
            {
                await BeginAsync(chunk, temp, cancellationToken);
            }

            _lastChunkAt[temp] = _time.GetTimestamp();
            var end = await UploadFile.AddAsync(chunk, temp, cancellationToken);
            return chunk.Final ? PutInPlace(chunk, temp) : new FileContent { Size = (ulong)end };
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

    private async Task BeginAsync(UploadChunk chunk, string temp, CancellationToken cancellationToken)
    {
        if (chunk.Offset != 0)
        {
            throw new ProcessHostException(StatusCode.NotFound, $"write_file.upload_id: no upload {chunk.UploadId} to {chunk.Path} is in progress: it never began at offset 0, was deleted after {IdleTimeout.TotalMinutes} min without a chunk or by a restart of the agent, or was put in place over {IdleTimeout.TotalMinutes} min (or {CompletedUploads.MaxCount} uploads) ago");
        }

        if (_lastChunkAt.Count >= MaxInProgress)
        {
            throw new ProcessHostException(StatusCode.ResourceExhausted, $"write_file.upload_id: {MaxInProgress} uploads are in progress; finish some (an upload with no chunk for {IdleTimeout.TotalMinutes} min is deleted)");
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(chunk.Path)!);
        foreach (var leftover in LeftoverUploads.Of(chunk.Path, _time.GetUtcNow().UtcDateTime - IdleTimeout, _lastChunkAt.ContainsKey))
        {
            Delete(leftover);
        }

        await _journal.AddAsync(chunk.Path, chunk.UploadId, cancellationToken);
        try
        {
            UploadFile.Create(temp);
        }
        catch
        {
            _journal.Remove(temp);
            throw;
        }
    }

    /// <summary>The version is the file's once renamed: a rename changes its change time.</summary>
    private FileContent PutInPlace(UploadChunk chunk, string temp)
    {
        File.Move(temp, chunk.Path, overwrite: true);
        _lastChunkAt.Remove(temp);
        _journal.Remove(temp);
        var placed = FileKinds.Of(chunk.Path);
        _completed.Add(temp, new CompletedUpload(placed.Size, placed.Version));
        return new FileContent { Size = (ulong)placed.Size, Version = placed.Version };
    }

    private async Task SweepAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _completed.Expire();
            var now = _time.GetTimestamp();
            foreach (var (temp, _) in _lastChunkAt.Where(u => _time.GetElapsedTime(u.Value, now) >= IdleTimeout).ToList())
            {
                _lastChunkAt.Remove(temp);
                if (Delete(temp))
                {
                    _journal.Remove(temp);
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
