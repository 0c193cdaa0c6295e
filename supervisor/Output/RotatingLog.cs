using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace RemoteDev.Supervisor.Output;

/// <summary>
/// A process's output on disk: <c>logs/&lt;name&gt;/&lt;start offset, 20 digits&gt;.log</c>, rotated by size, the
/// oldest deleted beyond the configured count. The file names carry offsets, so the offset space continues across a
/// supervisor restart; <c>epoch</c> in the same folder names the offset space. Bytes that cannot be written (a full
/// disk, a failed rotation) are skipped in the offset space: the next write starts a new file at the offset it
/// belongs to, so each file's name still gives the offset of its first byte.
/// </summary>
internal sealed class RotatingLog : IDisposable
{
    private const string Suffix = ".log";

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly int _maxFiles;
    private SafeFileHandle _file;
    private string _path;
    private long _fileLength;
    private ulong _offset;
    private bool _skipped;

    /// <summary>Appends to <paramref name="current"/>, the file that starts at that offset: the offset space goes on where it ends.</summary>
    private RotatingLog(string directory, long maxBytes, int maxFiles, string epoch, (string Path, ulong Start) current)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _maxFiles = maxFiles;
        Epoch = epoch;
        _path = current.Path;
        _file = File.OpenHandle(current.Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        _fileLength = RandomAccess.GetLength(_file);
        _offset = current.Start + (ulong)_fileLength;
    }

    public string Epoch { get; }

    public ulong EndOffset => _offset;

    public static RotatingLog Open(string directory, long maxBytes, int maxFiles)
    {
        Directory.CreateDirectory(directory);
        var epochPath = Path.Combine(directory, "epoch");
        var files = ListFiles(directory);
        if (files.Count > 0 && File.Exists(epochPath))
        {
            return new RotatingLog(directory, maxBytes, maxFiles, File.ReadAllText(epochPath).Trim(), files[^1]);
        }

        foreach (var (path, _) in files)
        {
            File.Delete(path);
        }

        var epoch = Guid.NewGuid().ToString("N");
        File.WriteAllText(epochPath, epoch);
        return new RotatingLog(directory, maxBytes, maxFiles, epoch, (FilePath(directory, 0), 0));
    }

    private static string FilePath(string directory, ulong start) =>
        Path.Combine(directory, start.ToString("D20", CultureInfo.InvariantCulture) + Suffix);

    /// <summary>Appends <paramref name="data"/>; null when it reached the file, else the file and the error (the data is skipped).</summary>
    public string? Write(ReadOnlySpan<byte> data)
    {
        var path = _path;
        try
        {
            while (!data.IsEmpty)
            {
                if (_skipped || _fileLength >= _maxBytes)
                {
                    path = FilePath(_directory, _offset);
                    Rotate(path);
                    _skipped = false;
                }

                var n = (int)Math.Min(data.Length, _maxBytes - _fileLength);
                RandomAccess.Write(_file, data[..n], _fileLength);
                _fileLength += n;
                _offset += (ulong)n;
                data = data[n..];
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _offset += (ulong)data.Length;
            _skipped = true;
            return $"{path}: {e.Message}";
        }
    }

    public void Dispose() => _file.Dispose();

    private static List<(string Path, ulong Start)> ListFiles(string directory)
    {
        var files = new List<(string, ulong)>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Suffix))
        {
            var stem = Path.GetFileNameWithoutExtension(path);
            if (ulong.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            {
                files.Add((path, start));
            }
        }

        files.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return files;
    }

    private void Rotate(string path)
    {
        var next = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        _file.Dispose();
        _file = next;
        _path = path;
        _fileLength = 0;
        var files = ListFiles(_directory);
        for (var i = 0; i < files.Count - _maxFiles; i++)
        {
            File.Delete(files[i].Path);
        }
    }
}
