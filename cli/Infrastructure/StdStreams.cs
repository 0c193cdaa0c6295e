using System.Text;
using Google.Protobuf;
using Microsoft.Win32.SafeHandles;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>The raw standard streams: process output is copied byte-exact, never through a text encoder.</summary>
internal sealed class StdStreams : IDisposable
{
    private const int StdoutFd = 1;
    private const int StderrFd = 2;

    private readonly OutputStream _stdout = new(StdoutFd);
    private readonly OutputStream _stderr = new(StderrFd);

    /// <summary>
    /// Console.Out and Console.Error (tables, JSON, messages) write through <see cref="OutputStream"/> too, so a
    /// failed write of any output is an <see cref="OutputException"/>.
    /// </summary>
    public static void RouteConsole()
    {
        Console.SetOut(Writer(StdoutFd));
        Console.SetError(Writer(StderrFd));
    }

    public async Task StdoutAsync(ByteString data, CancellationToken cancellationToken) => await WriteAsync(_stdout, data, cancellationToken);

    public async Task StderrAsync(ByteString data, CancellationToken cancellationToken) => await WriteAsync(_stderr, data, cancellationToken);

    /// <summary>Reads all of stdin, failing when it exceeds <paramref name="limit"/> bytes (no unbounded buffers).</summary>
    public static async Task<ByteString> ReadStdinAsync(int limit, string what, CancellationToken cancellationToken)
    {
        await using var stdin = OpenStdin();
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stdin.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw CliException.Usage($"{what}: stdin is larger than {limit} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// File descriptor 0 as plain bytes. Console.OpenStandardInput would, on a terminal, read through .NET's line
    /// editor (echoing, and holding bytes until Enter): wrong for raw attach input and for binary data.
    /// </summary>
    public static Stream OpenStdin() => new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
    }

    private static StreamWriter Writer(int fd) => new(new OutputStream(fd), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };

    private static async Task WriteAsync(Stream stream, ByteString data, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(data.Memory, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
