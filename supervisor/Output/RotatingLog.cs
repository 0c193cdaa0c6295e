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

    private RotatingLog(string directory, long maxBytes, int maxFiles, ulong offset, string epoch)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _maxFiles = maxFiles;
        _offset = offset;
        Epoch = epoch;
        _file = OpenCurrent(out _fileLength);
    }

    public string Epoch { get; }

    public ulong EndOffset => _offset;

    public static RotatingLog Open(string directory, long maxBytes, int maxFiles)
    {
        Directory.CreateDirectory(directory);
        var epochPath = Path.Combine(directory, "epoch");
        var last = ListFiles(directory).LastOrDefault();
        if (last.Path is not null && File.Exists(epochPath))
        {
            var end = last.Start + (ulong)new FileInfo(last.Path).Length;
            return new RotatingLog(directory, maxBytes, maxFiles, end, File.ReadAllText(epochPath).Trim());
        }

        foreach (var (path, _) in ListFiles(directory))
        {
            File.Delete(path);
        }

        var epoch = Guid.NewGuid().ToString("N");
        File.WriteAllText(epochPath, epoch);
        return new RotatingLog(directory, maxBytes, maxFiles, 0, epoch);
    }

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

    private SafeFileHandle OpenCurrent(out long length)
    {
        var path = Path.Combine(_directory, _offset.ToString("D20", CultureInfo.InvariantCulture) + Suffix);
        var last = ListFiles(_directory).LastOrDefault();
        if (last.Path is not null && last.Start + (ulong)new FileInfo(last.Path).Length == _offset)
        {
            path = last.Path;
        }

        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        length = RandomAccess.GetLength(handle);
        return handle;
    }

    private void Rotate()
    {
        _file.Dispose();
        var path = Path.Combine(_directory, _offset.ToString("D20", CultureInfo.InvariantCulture) + Suffix);
        _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        _fileLength = 0;
        var files = ListFiles(_directory);
        for (var i = 0; i < files.Count - _maxFiles; i++)
        {
            File.Delete(files[i].Path);
        }
    }
}
