using System.Runtime.InteropServices;

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

/// <summary>The type of a file (symbolic links followed), from statx: .NET's file APIs do not tell a FIFO apart.</summary>
internal static class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int StatxBytes = 256;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    /// <summary>The file's kind and size in bytes (0 for most /proc files and devices, whatever they hold).</summary>
    public static (FileKind Kind, long Size) Of(string path)
    {
        var buffer = new byte[StatxBytes];
        if (statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR
                ? (FileKind.Missing, 0)
                : throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

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
        return (kind, BitConverter.ToInt64(buffer, SizeOffset));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
