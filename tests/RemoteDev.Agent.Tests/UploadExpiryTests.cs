using Microsoft.Extensions.Logging.Abstractions;
using RemoteDev.Agent.Files;
using RemoteDev.Agent.Tests.Infrastructure;

namespace RemoteDev.Agent.Tests;

/// <summary>Abandoned uploads give their disk back (in-process, on a clock the test moves).</summary>
public sealed class UploadExpiryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rdup-").FullName;

    [Fact]
    public async Task An_upload_without_a_chunk_for_its_idle_timeout_is_deleted()
    {
        var clock = new ManualClock();
        using var uploads = new Uploads(clock, Journal(), NullLogger.Instance);
        var path = Path.Combine(_dir, "abandoned.bin");
        await uploads.WriteAsync(new UploadChunk(path, "gone", 0, new byte[100], Final: false, UnixFileMode.UserRead), CancellationToken.None);
        var hidden = Uploads.TempPath(path, "gone");
        var existed = File.Exists(hidden);

        clock.Advance(Uploads.IdleTimeout + TimeSpan.FromMinutes(1));

        Assert.True(existed, "the upload's hidden file existed while in progress");
        await Eventually(() => !File.Exists(hidden), "the idle upload deleted");
    }

    [Fact]
    public async Task An_upload_that_keeps_getting_chunks_is_kept()
    {
        var clock = new ManualClock();
        using var uploads = new Uploads(clock, Journal(), NullLogger.Instance);
        var path = Path.Combine(_dir, "busy.bin");
        var content = new byte[100];
        await uploads.WriteAsync(new UploadChunk(path, "busy", 0, content, Final: false, UnixFileMode.UserRead), CancellationToken.None);

        clock.Advance(Uploads.IdleTimeout - TimeSpan.FromMinutes(1));
        await uploads.WriteAsync(new UploadChunk(path, "busy", 100, content, Final: false, UnixFileMode.UserRead), CancellationToken.None);
        clock.Advance(Uploads.IdleTimeout - TimeSpan.FromMinutes(1));
        var size = await uploads.WriteAsync(new UploadChunk(path, "busy", 200, content, Final: true, UnixFileMode.UserRead), CancellationToken.None);

        Assert.Equal(300ul, size.Size);
        Assert.Equal(300, new FileInfo(path).Length);
    }

    [Fact]
    public async Task An_idle_upload_an_earlier_agent_left_is_deleted_when_the_next_upload_to_its_path_begins()
    {
        using var uploads = new Uploads(TimeProvider.System, Journal(), NullLogger.Instance);
        var path = Path.Combine(_dir, "restarted.bin");
        var leftover = Uploads.TempPath(path, "before-restart");
        var recent = Uploads.TempPath(path, "another-client");
        var ofAnotherPath = Uploads.TempPath(path + ".old", "before-restart");
        File.WriteAllBytes(leftover, new byte[100]);
        File.WriteAllBytes(ofAnotherPath, new byte[100]);
        File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow - Uploads.IdleTimeout - TimeSpan.FromMinutes(1));
        File.SetLastWriteTimeUtc(ofAnotherPath, DateTime.UtcNow - Uploads.IdleTimeout - TimeSpan.FromMinutes(1));
        File.WriteAllBytes(recent, new byte[100]);

        await uploads.WriteAsync(new UploadChunk(path, "after-restart", 0, new byte[10], Final: false, UnixFileMode.UserRead), CancellationToken.None);

        Assert.False(File.Exists(leftover), "the idle leftover is deleted");
        Assert.True(File.Exists(recent), "an upload with a recent chunk is kept");
        Assert.True(File.Exists(ofAnotherPath), "an upload to another path is not this path's to delete");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private UploadJournal Journal() => new(Path.Combine(_dir, "journal"), NullLogger.Instance);

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not {what} within 10 s");
            await Task.Delay(20);
        }
    }
}
