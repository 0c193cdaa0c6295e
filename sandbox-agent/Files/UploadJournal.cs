using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Hosting;

namespace RemoteDev.Agent.Files;

/// <summary>
/// The uploads in progress, one small file each in a directory of the agent's state, written (temp file, then rename)
/// before an upload's hidden file is created and deleted once the upload is put in place or swept. A run of the agent
/// killed mid-upload leaves entries behind: the next one deletes the hidden files they name, and no other file, before
/// it takes any command. At most <see cref="Uploads.MaxInProgress"/> entries, since only tracked uploads have one.
/// </summary>
internal sealed class UploadJournal(string directory, ILogger logger)
{
    private const string EntrySuffix = ".json";
    private const int MaxEntryBytes = 16 * 1024;
    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public async Task AddAsync(string path, string uploadId, CancellationToken cancellationToken)
    {
        var entry = JsonSerializer.SerializeToUtf8Bytes(new UploadJournalEntry(path, uploadId), AgentJson.Default.UploadJournalEntry);
        try
        {
            await AtomicFile.WriteAsync(EntryPath(Uploads.TempPath(path, uploadId)), entry, PrivateMode, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProcessHostException(StatusCode.Internal, $"write_file.upload_id: the agent cannot note upload {uploadId} in {directory}, so it would not be cleaned up after a crash: {e.Message}");
        }
    }

    /// <summary>
    /// Forgets the upload whose hidden file is <paramref name="temp"/>. An entry that cannot be deleted is harmless: the
    /// next start deletes a file that is no longer there.
    /// </summary>
    public void Remove(string temp)
    {
        var entry = EntryPath(temp);
        try
        {
            File.Delete(entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            FileLog.JournalEntryNotDeleted(logger, entry, e);
        }
    }

    /// <summary>At start: deletes the hidden file of every upload an earlier run left, then empties the journal.</summary>
    public void DeleteAbandoned()
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.GetFiles(directory))
        {
            if (file.EndsWith(EntrySuffix, StringComparison.Ordinal) && Read(file) is { } entry)
            {
                DeleteUpload(Uploads.TempPath(entry.Path, entry.UploadId));
            }

            try
            {
                File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                FileLog.JournalEntryNotDeleted(logger, file, e);
            }
        }
    }

    private UploadJournalEntry? Read(string file)
    {
        try
        {
            var bytes = new FileInfo(file).Length <= MaxEntryBytes ? File.ReadAllBytes(file) : throw new InvalidDataException($"over {MaxEntryBytes} bytes");
            var entry = JsonSerializer.Deserialize(bytes, AgentJson.Default.UploadJournalEntry);
            return entry is { Path: { } path, UploadId: { } uploadId } && IsFilePath(path) && UploadIds.IsValid(uploadId)
                ? entry
                : throw new InvalidDataException("not an absolute file path and an upload id");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException)
        {
            FileLog.JournalEntryDropped(logger, file, e.Message);
            return null;
        }
    }

    private void DeleteUpload(string temp)
    {
        try
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
                FileLog.AbandonedUploadDeleted(logger, temp);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            FileLog.UploadNotDeleted(logger, temp, e);
        }
    }

    private static bool IsFilePath(string path) =>
        Path.IsPathRooted(path) && !path.Contains('\0', StringComparison.Ordinal) && Path.GetDirectoryName(path) is not null && Path.GetFileName(path).Length > 0;

    private string EntryPath(string temp) =>
        Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(temp))) + EntrySuffix);
}
