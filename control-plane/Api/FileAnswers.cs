using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// The agent's file answers as the Files API gives them, including from an agent older than this control plane (a
/// sandbox made from an earlier image). Such an agent answers writes without size or version, and reads without a
/// version: before ranged reads it sent the whole file whatever the offset, so a range it cannot honour is refused
/// rather than answered with the wrong bytes.
/// </summary>
internal static class FileAnswers
{
    public static WriteFileResponse Written(WriteFileRequest request, FileContent? written) =>
        written is null
            ? new WriteFileResponse { Size = request.Offset + (ulong)request.Content.Length }
            : new WriteFileResponse { Size = written.Size, Version = written.Version };

    public static ReadFileResponse Read(ReadFileRequest request, FileContent file)
    {
        if (file.Version.Length == 0)
        {
            var max = request.MaxBytes == 0 ? FileChunks.DefaultReadBytes : (int)request.MaxBytes;
            if (request.Offset > 0 || file.Content.Length > max)
            {
                var field = request.Offset > 0 ? "offset" : "max_bytes";
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"{field}: this sandbox's agent predates ranged reads and can only read a whole file of at most {max} bytes at once; recreate the sandbox from a current image"));
            }

            return new ReadFileResponse { Content = file.Content, Mode = file.Mode, Size = (ulong)file.Content.Length };
        }

        return new ReadFileResponse { Content = file.Content, Mode = file.Mode, Size = file.Size, Version = file.Version };
    }
}
