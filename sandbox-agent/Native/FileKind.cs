using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RemoteDev.Agent.Native;

internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
}

/// <summary>
/// What statx says of a file. <see cref="Version"/> changes when the file is replaced (another inode) or written (its
/// change time, which unlike the modification time no one can set back, and its size).
/// </summary>
internal readonly record struct FileStat(FileKind Kind, long Size, string Version);

/// <summary>The type, size and version of a file (symbolic links followed), from statx: .NET's file APIs do not tell a FIFO apart.</summary>
internal static class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7FF;
    private const int StatxBytes = 256;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;
    private const int SizeOffset = 40;
    private const int ChangeTimeOffset = 96;
    private const int DeviceMajorOffset = 136;
    private const int DeviceMinorOffset = 140;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    /// <summary>The file at a path; size 0 for most /proc files and devices, whatever they hold.</summary>
    public static FileStat Of(string path)
    {
        var buffer = new byte[StatxBytes];
        if (statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR
                ? new FileStat(FileKind.Missing, 0, "")
                : throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return Parse(buffer, path);
    }

    /// <summary>The file an open handle reads: the one a path named when it was opened, whatever was renamed over it since.</summary>
    public static FileStat Of(SafeFileHandle file, string path)
    {
        var buffer = new byte[StatxBytes];
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            if (statx((int)file.DangerousGetHandle(), "", AtEmptyPath, StatxBasicStats, buffer) != 0)
            {
                throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }

        return Parse(buffer, path);
    }

    private static FileStat Parse(byte[] buffer, string path)
    {
        var mode = BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000;
        var kind = mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            _ => throw new IOException($"statx {path}: unknown file type {mode:x}"),
        };
        var size = BitConverter.ToInt64(buffer, SizeOffset);
        var version = string.Join(
            '-',
            BitConverter.ToUInt32(buffer, DeviceMajorOffset).ToString("x"),
            BitConverter.ToUInt32(buffer, DeviceMinorOffset).ToString("x"),
            BitConverter.ToUInt64(buffer, InodeOffset).ToString("x"),
            BitConverter.ToInt64(buffer, ChangeTimeOffset).ToString("x"),
            BitConverter.ToUInt32(buffer, ChangeTimeOffset + 8).ToString("x"),
            size.ToString("x"));
        return new FileStat(kind, size, version);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
