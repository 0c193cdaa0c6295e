using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

/// <summary>ReadFile ranges and WriteFile uploads in chunks, through the real agent.</summary>
public sealed class FileCommandTests(LinkFixture fixture) : IClassFixture<LinkFixture>
{
    private const int MiB = 1024 * 1024;

    private LinkHarness Link => fixture.Link;

    [Fact]
    public async Task Read_file_returns_the_range_asked_with_the_size_and_version_of_the_file()
    {
        var path = LocalFile("ranged.bin", RandomBytes(5 * MiB));

        var range = await Ok(new Command { ReadFile = new ReadFile { Path = path, Offset = 1000, MaxBytes = 2 * MiB } });
        var byDefault = await Ok(new Command { ReadFile = new ReadFile { Path = path, Offset = 1000 } });

        Assert.Equal(File.ReadAllBytes(path).AsSpan(1000, 2 * MiB).ToArray(), range.File.Content.ToByteArray());
        Assert.Equal(1 * MiB, byDefault.File.Content.Length);
        Assert.Equal((ulong)(5 * MiB), range.File.Size);
        Assert.NotEmpty(range.File.Version);
        Assert.Equal(range.File.Version, byDefault.File.Version);
    }

    [Fact]
    public async Task Read_file_at_the_end_is_empty_and_past_it_out_of_range_naming_offset()
    {
        var path = LocalFile("five.txt", "five."u8.ToArray());

        var atTheEnd = await Ok(new Command { ReadFile = new ReadFile { Path = path, Offset = 5 } });
        var past = await Link.RunAsync(new Command { ReadFile = new ReadFile { Path = path, Offset = 6 } });

        Assert.True(atTheEnd.File.Content.IsEmpty);
        Assert.Equal(5ul, atTheEnd.File.Size);
        Assert.Equal((int)StatusCode.OutOfRange, past.Code);
        Assert.Equal($"read_file.offset: 6 is past the end of {path} (5 bytes)", past.Message);
    }

    [Fact]
    public async Task Read_file_version_changes_when_the_file_is_written()
    {
        var path = LocalFile("versioned.txt", "first"u8.ToArray());
        var before = await Ok(new Command { ReadFile = new ReadFile { Path = path } });

        await File.AppendAllTextAsync(path, " and more");
        var after = await Ok(new Command { ReadFile = new ReadFile { Path = path } });

        Assert.NotEqual(before.File.Version, after.File.Version);
    }

    [Fact]
    public async Task Uploaded_chunks_appear_at_the_path_only_with_the_final_one_and_its_mode()
    {
        var path = LocalFile("uploaded.bin", "old"u8.ToArray());
        var content = RandomBytes((2 * MiB) + 10);

        await Ok(Chunk(path, "up1", content, 0, MiB, final: false, mode: 0));
        await Ok(Chunk(path, "up1", content, MiB, MiB, final: false, mode: 0));
        var beforeFinal = File.ReadAllBytes(path);
        var hidden = Directory.GetFiles(Path.GetDirectoryName(path)!, ".uploaded.bin.up1.rdev-upload");
        await Ok(Chunk(path, "up1", content, 2 * MiB, 10, final: true, mode: 0x1C0));

        Assert.Equal("old"u8.ToArray(), beforeFinal);
        Assert.Single(hidden);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(path));
        Assert.False(File.Exists(hidden[0]), "the upload's hidden file is gone once in place");
    }

    [Fact]
    public async Task Chunks_sent_again_after_later_ones_get_their_first_answers_and_change_nothing()
    {
        var path = FilePath("resent.bin");
        var content = RandomBytes((3 * MiB) + 10);
        var first = await Ok(Chunk(path, "resent", content, 0, MiB, final: false, mode: 0));
        var second = await Ok(Chunk(path, "resent", content, MiB, MiB, final: false, mode: 0));
        await Ok(Chunk(path, "resent", content, 2 * MiB, MiB, final: false, mode: 0));

        var firstAgain = await Ok(Chunk(path, "resent", content, 0, MiB, final: false, mode: 0));
        var secondAgain = await Ok(Chunk(path, "resent", content, MiB, MiB, final: false, mode: 0));
        await Ok(Chunk(path, "resent", content, 3 * MiB, 10, final: true, mode: 0));

        Assert.Equal(new FileContent { Size = MiB }, first.File);
        Assert.Equal(first.File, firstAgain.File);
        Assert.Equal(second.File, secondAgain.File);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task A_chunk_sent_again_cut_shorter_gets_where_it_ends_and_the_upload_goes_on()
    {
        var path = FilePath("recut.bin");
        var content = RandomBytes(3 * MiB);
        await Ok(Chunk(path, "recut", content, 0, 2 * MiB, final: false, mode: 0));

        var shorter = await Ok(Chunk(path, "recut", content, 0, MiB, final: false, mode: 0));
        await Ok(Chunk(path, "recut", content, 2 * MiB, MiB, final: true, mode: 0));

        Assert.Equal(new FileContent { Size = MiB }, shorter.File);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Other_bytes_at_an_offset_already_received_are_failed_precondition_naming_offset_and_change_nothing()
    {
        var path = FilePath("conflicting.bin");
        var content = RandomBytes(2 * MiB);
        var other = content.ToArray();
        other[10] ^= 0xFF;
        await Ok(Chunk(path, "conflicting", content, 0, MiB, final: false, mode: 0));

        var refused = await Link.RunAsync(Chunk(path, "conflicting", other, 0, MiB, final: false, mode: 0));
        await Ok(Chunk(path, "conflicting", content, MiB, MiB, final: true, mode: 0));

        Assert.Equal((int)StatusCode.FailedPrecondition, refused.Code);
        Assert.StartsWith("write_file.offset: upload conflicting already holds other bytes than these at offset 0", refused.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Chunks_sent_again_after_the_upload_was_put_in_place_get_their_first_answers_and_leave_the_file_as_it_is()
    {
        var path = FilePath("completed.bin");
        var content = RandomBytes((2 * MiB) + 10);
        var middle = await Ok(Chunk(path, "completed", content, 0, MiB, final: false, mode: 0));
        await Ok(Chunk(path, "completed", content, MiB, MiB, final: false, mode: 0));
        var final = await Ok(Chunk(path, "completed", content, 2 * MiB, 10, final: true, mode: 0x1C0));
        var placed = await Ok(new Command { ReadFile = new ReadFile { Path = path, MaxBytes = 1 } });

        var finalAgain = await Ok(Chunk(path, "completed", content, 2 * MiB, 10, final: true, mode: 0x1C0));
        var middleAgain = await Ok(Chunk(path, "completed", content, 0, MiB, final: false, mode: 0));
        var after = await Ok(new Command { ReadFile = new ReadFile { Path = path, MaxBytes = 1 } });

        Assert.Equal(new FileContent { Size = (ulong)content.Length, Version = placed.File.Version }, final.File);
        Assert.Equal(final.File, finalAgain.File);
        Assert.Equal(middle.File, middleAgain.File);
        Assert.Equal(placed.File.Version, after.File.Version);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task The_final_chunk_sent_again_once_the_file_changed_is_aborted_naming_the_upload_and_the_change_stays()
    {
        var path = FilePath("changed.bin");
        var content = RandomBytes(1000);
        await Ok(Chunk(path, "changed", content, 0, content.Length, final: true, mode: 0));
        File.WriteAllText(path, "changed since");

        var again = await Link.RunAsync(Chunk(path, "changed", content, 0, content.Length, final: true, mode: 0));

        Assert.Equal((int)StatusCode.Aborted, again.Code);
        Assert.Equal($"write_file.upload_id: upload changed was put in place at {path}, but the file changed since; it is not put there again (to write it again, send it as a new upload)", again.Message);
        Assert.Equal("changed since", File.ReadAllText(path));
    }

    [Fact]
    public async Task A_chunk_past_the_bytes_received_is_out_of_range_and_one_of_an_unknown_upload_not_found()
    {
        var path = Path.Combine(Link.Agent.Root, "files", "gappy.bin");
        var content = RandomBytes(300);
        await Ok(Chunk(path, "gappy", content, 0, 100, final: false, mode: 0));

        var gap = await Link.RunAsync(Chunk(path, "gappy", content, 200, 100, final: true, mode: 0));
        var unknown = await Link.RunAsync(Chunk(path, "never-began", content, 100, 100, final: true, mode: 0));

        Assert.Equal((int)StatusCode.OutOfRange, gap.Code);
        Assert.Equal("write_file.offset: 200 is past the 100 bytes upload gappy received so far", gap.Message);
        Assert.Equal((int)StatusCode.NotFound, unknown.Code);
        Assert.StartsWith("write_file.upload_id: no upload never-began to ", unknown.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path), "nothing is put in place before a final chunk succeeds");
    }

    [Fact]
    public async Task An_upload_id_with_a_slash_is_invalid_argument_naming_upload_id()
    {
        var result = await Link.RunAsync(Chunk(Path.Combine(Link.Agent.Root, "x.bin"), "../escape", [1], 0, 1, final: true, mode: 0));

        Assert.Equal((int)StatusCode.InvalidArgument, result.Code);
        Assert.StartsWith("write_file.upload_id ", result.Message, StringComparison.Ordinal);
    }

    private static Command Chunk(string path, string uploadId, byte[] content, int offset, int length, bool final, uint mode) => new()
    {
        WriteFile = new WriteFile
        {
            Path = path,
            Content = ByteString.CopyFrom(content, offset, length),
            UploadId = uploadId,
            Offset = (ulong)offset,
            Final = final,
            Mode = mode,
        },
    };

    private string FilePath(string name) => Path.Combine(Link.Agent.Root, "files", name);

    private string LocalFile(string name, byte[] content)
    {
        var path = FilePath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private async Task<CommandResult> Ok(Command command)
    {
        var result = await Link.RunAsync(command);
        Assert.True(result.Code == 0, $"{command.OpCase} failed: {result.Code} {result.Message}");
        return result;
    }
}
