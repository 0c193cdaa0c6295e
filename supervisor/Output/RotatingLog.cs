using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace RemoteDev.Supervisor.Output;

/// <summary>
/// A process's output on disk: <c>logs/&lt;name&gt;/&lt;start offset, 20 digits&gt;.log</c>, rotated by size, the
/// oldest deleted beyond the configured count. The file names carry offsets, so the offset space continues across a
/// supervisor restart; <c>epoch</c> in the same folder names the offset space.
/// </summary>
internal sealed class RotatingLog : IDisposable
{
    private const string Suffix = ".log";

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly int _maxFiles;
    private SafeFileHandle _file;
    private long _fileLength;
    private ulong _offset;

    private RotatingLog(string directory, long maxBytes, int maxFiles, ulong offset, string epoch, string currentPath)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _maxFiles = maxFiles;
        _offset = offset;
        Epoch = epoch;
        _file = File.OpenHandle(currentPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        _fileLength = RandomAccess.GetLength(_file);
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
            // The offset space goes on where the newest file ends, appending to that file.
            var (lastPath, lastStart) = files[^1];
            var end = lastStart + (ulong)new FileInfo(lastPath).Length;
            return new RotatingLog(directory, maxBytes, maxFiles, end, File.ReadAllText(epochPath).Trim(), lastPath);
        }

        foreach (var (path, _) in files)
        {
            File.Delete(path);
        }

        var epoch = Guid.NewGuid().ToString("N");
        File.WriteAllText(epochPath, epoch);
        return new RotatingLog(directory, maxBytes, maxFiles, 0, epoch, FilePath(directory, 0));
    }

    private static string FilePath(string directory, ulong start) =>
        Path.Combine(directory, start.ToString("D20", CultureInfo.InvariantCulture) + Suffix);

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_fileLength >= _maxBytes)
            {
                Rotate();
            }

            var n = (int)Math.Min(data.Length, _maxBytes - _fileLength);
            RandomAccess.Write(_file, data[..n], _fileLength);
            _fileLength += n;
            _offset += (ulong)n;
            data = data[n..];
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

    private void Rotate()
    {
        _file.Dispose();
        _file = File.OpenHandle(FilePath(_directory, _offset), FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        _fileLength = 0;
        var files = ListFiles(_directory);
        for (var i = 0; i < files.Count - _maxFiles; i++)
        {
            File.Delete(files[i].Path);
        }
    }
}
