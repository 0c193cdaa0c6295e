using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using RemoteDev.Agent.Files;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Tests.Infrastructure;

namespace RemoteDev.Agent.Tests;

/// <summary>How long and how many uploads put in place are remembered for chunks sent again (in-process, on a clock the test moves).</summary>
public sealed class CompletedUploadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rdcompleted-").FullName;

    [Fact]
    public async Task The_final_chunk_sent_again_is_answered_for_the_idle_timeout_and_not_found_after()
    {
        var clock = new ManualClock();
        using var uploads = new Uploads(clock, new UploadJournal(Path.Combine(_dir, "journal"), NullLogger.Instance), NullLogger.Instance);
        var path = Path.Combine(_dir, "remembered.bin");
        await uploads.WriteAsync(new UploadChunk(path, "remembered", 0, new byte[100], Final: false, UnixFileMode.UserRead), CancellationToken.None);
        var final = new UploadChunk(path, "remembered", 100, new byte[100], Final: true, UnixFileMode.UserRead);
        var first = await uploads.WriteAsync(final, CancellationToken.None);

        clock.Advance(Uploads.IdleTimeout - TimeSpan.FromMinutes(1));
        var withinTimeout = await uploads.WriteAsync(final, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));
        var forgotten = await EventuallyRefusedAsync(() => uploads.WriteAsync(final, CancellationToken.None));

        Assert.Equal(first, withinTimeout);
        Assert.Equal(StatusCode.NotFound, forgotten.Code);
    }

    [Fact]
    public void Beyond_its_bound_the_oldest_upload_put_in_place_is_forgotten_first()
    {
        var completed = new CompletedUploads(new ManualClock());

        for (var i = 0; i <= CompletedUploads.MaxCount; i++)
        {
            completed.Add($"/files/.{i}.id.rdev-upload", new CompletedUpload(i, $"version-{i}"));
        }

        Assert.Null(completed.Find("/files/.0.id.rdev-upload"));
        Assert.Equal(new CompletedUpload(1, "version-1"), completed.Find("/files/.1.id.rdev-upload"));
        Assert.Equal(new CompletedUpload(CompletedUploads.MaxCount, $"version-{CompletedUploads.MaxCount}"), completed.Find($"/files/.{CompletedUploads.MaxCount}.id.rdev-upload"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Repeats the write until it is refused: the sweep runs on its own once the clock moved.</summary>
    private static async Task<ProcessHostException> EventuallyRefusedAsync(Func<Task> write)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                await write();
            }
            catch (ProcessHostException refused)
            {
                return refused;
            }

            Assert.True(DateTime.UtcNow < deadline, "the write still answered after 10 s");
            await Task.Delay(20);
        }
    }
}
