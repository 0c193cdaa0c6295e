using Google.Protobuf;
using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>Files larger than one gRPC message move in chunks, through a client with the default 4 MiB receive limit.</summary>
public sealed class FileTransferTests(SqliteControlPlane cp) : IClassFixture<SqliteControlPlane>, IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private string _id = "";

    public async Task InitializeAsync()
    {
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("files", Specs.Shell("base", "while :; do sleep 1; done")));
        _id = created.Id;
        await Waits.PhaseAsync(cp.Admin, _id, SandboxPhase.Ready);
    }

    public Task DisposeAsync() => cp.Admin.Sandboxes.DeleteAsync(new DeleteSandboxRequest { Id = _id }).ResponseAsync;

    [Fact]
    public async Task Twenty_mebibytes_written_in_chunks_read_back_in_chunks_are_identical_with_their_mode()
    {
        var content = RandomBytes(20 * MiB);
        var path = SandboxPath("twenty.bin");

        var written = await ChunkedFiles.WriteAsync(cp.Admin, _id, path, content, 3 * MiB, 0x1E0, () => Task.CompletedTask);
        var (read, mode) = await ChunkedFiles.ReadAsync(cp.Admin, _id, path);

        Assert.Equal((ulong)content.Length, written.Size);
        Assert.True(content.AsSpan().SequenceEqual(read), "the bytes read back differ from those written");
        Assert.Equal(0x1E0u, mode);
    }

    [Fact]
    public async Task A_file_of_3_9_mebibytes_reads_through_a_client_with_default_settings()
    {
        var content = RandomBytes((39 * MiB) / 10);
        var path = SandboxPath("near-the-limit.bin");
        await cp.Admin.Files.WriteAsync(new WriteFileRequest { SandboxId = _id, Path = path, Content = ByteString.CopyFrom(content) });

        var (read, _) = await ChunkedFiles.ReadAsync(cp.Admin, _id, path);

        Assert.True(content.AsSpan().SequenceEqual(read), "the bytes read back differ from those written");
    }

    [Fact]
    public async Task A_read_returns_the_range_asked_and_the_size_of_the_whole_file()
    {
        var content = RandomBytes(5 * MiB);
        var path = SandboxPath("ranged.bin");
        await ChunkedFiles.WriteAsync(cp.Admin, _id, path, content, 4 * MiB, 0, () => Task.CompletedTask);

        var range = await cp.Admin.Files.ReadAsync(new ReadFileRequest { SandboxId = _id, Path = path, Offset = 1000, MaxBytes = 2 * MiB });
        var atTheEnd = await cp.Admin.Files.ReadAsync(new ReadFileRequest { SandboxId = _id, Path = path, Offset = (ulong)content.Length });

        Assert.Equal(content.AsSpan(1000, 2 * MiB).ToArray(), range.Content.ToByteArray());
        Assert.Equal((ulong)content.Length, range.Size);
        Assert.Equal((ulong)content.Length, atTheEnd.Size);
        Assert.True(atTheEnd.Content.IsEmpty);
    }

    [Fact]
    public async Task A_read_past_the_end_is_out_of_range_naming_offset()
    {
        var path = SandboxPath("short.txt");
        await cp.Admin.Files.WriteAsync(new WriteFileRequest { SandboxId = _id, Path = path, Content = ByteString.CopyFromUtf8("five.") });

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Files.ReadAsync(new ReadFileRequest { SandboxId = _id, Path = path, Offset = 6 }).ResponseAsync);

        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Contains("offset", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_of_more_than_3_mebibytes_at_once_is_invalid_argument_naming_max_bytes()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Files.ReadAsync(new ReadFileRequest { SandboxId = _id, Path = "/etc/hostname", MaxBytes = (3 * MiB) + 1 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("max_bytes: ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_sees_the_old_file_until_the_final_chunk_puts_the_new_one_in_place()
    {
        var path = SandboxPath("replaced.bin");
        var old = RandomBytes(1000);
        await cp.Admin.Files.WriteAsync(new WriteFileRequest { SandboxId = _id, Path = path, Content = ByteString.CopyFrom(old) });
        var content = RandomBytes(10 * MiB);
        var seenBetweenChunks = new List<byte[]>();

        await ChunkedFiles.WriteAsync(cp.Admin, _id, path, content, 2 * MiB, 0, async () => seenBetweenChunks.Add((await ChunkedFiles.ReadAsync(cp.Admin, _id, path)).Content));
        var (after, _) = await ChunkedFiles.ReadAsync(cp.Admin, _id, path);

        Assert.Equal(4, seenBetweenChunks.Count);
        Assert.All(seenBetweenChunks, seen => Assert.Equal(old, seen));
        Assert.True(content.AsSpan().SequenceEqual(after), "the file in place differs from the upload");
    }

    [Fact]
    public async Task A_chunk_that_would_take_the_file_over_the_limit_is_resource_exhausted_naming_content()
    {
        var request = new WriteFileRequest { SandboxId = _id, Path = SandboxPath("huge.bin"), Content = ByteString.CopyFromUtf8("x"), UploadId = "huge", Offset = 1024UL * MiB };

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Files.WriteAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith("content: ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_final_chunk_sent_again_answers_the_size_and_version_of_the_file_it_put_in_place()
    {
        var content = RandomBytes(5 * MiB);
        var path = SandboxPath("retried.bin");
        await cp.Admin.Files.WriteAsync(Chunk(path, content, 0, 4 * MiB, final: false));
        var final = await cp.Admin.Files.WriteAsync(Chunk(path, content, 4 * MiB, MiB, final: true));

        var again = await cp.Admin.Files.WriteAsync(Chunk(path, content, 4 * MiB, MiB, final: true));
        var read = await cp.Admin.Files.ReadAsync(new ReadFileRequest { SandboxId = _id, Path = path, MaxBytes = 1 });

        Assert.Equal(new WriteFileResponse { Size = (ulong)content.Length, Version = read.Version }, final);
        Assert.Equal(final, again);
    }

    private WriteFileRequest Chunk(string path, byte[] content, int offset, int length, bool final) => new()
    {
        SandboxId = _id,
        Path = path,
        Content = ByteString.CopyFrom(content, offset, length),
        UploadId = "retried",
        Offset = (ulong)offset,
        Final = final,
    };

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>The process driver's sandboxes share this machine's file system.</summary>
    private string SandboxPath(string name) => Path.Combine(cp.Config.DataDir, "files-" + _id, name);
}
