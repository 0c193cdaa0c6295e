namespace RemoteDev.Agent.Files;

/// <summary>Writes a file so readers see the old or the new content, never a mix: temp file, fsync, rename.</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = mode,
                Options = FileOptions.Asynchronous,
            };
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            // The create mode is filtered by the umask; set the exact bits asked for.
            File.SetUnixFileMode(temp, mode);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException error)
        {
            // The temp file's name means nothing to the caller.
            throw new IOException(error.Message.Replace(temp, path, StringComparison.Ordinal), error);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
