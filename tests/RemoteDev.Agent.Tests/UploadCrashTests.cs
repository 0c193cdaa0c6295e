using Google.Protobuf;
using RemoteDev.Agent.Files;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

/// <summary>What an agent killed mid-upload leaves is cleaned up by its next run (the real agent, SIGKILLed).</summary>
public sealed class UploadCrashTests
{
    [Fact]
    public async Task The_hidden_file_of_an_upload_in_progress_when_the_agent_was_killed_is_deleted_when_it_starts_again()
    {
        await using var link = await LinkHarness.StartAsync(null);
        var path = Path.Combine(link.Agent.Root, "files", "interrupted.bin");
        var hidden = Uploads.TempPath(path, "interrupted");
        await link.HelloAsync(1);
        var chunk = await link.RunAsync(new Command
        {
            WriteFile = new WriteFile { Path = path, Content = ByteString.CopyFrom(new byte[1000]), UploadId = "interrupted" },
        });
        var leftBehind = File.Exists(hidden);

        await link.Agent.KillAsync();
        await using var again = link.Agent.StartAgain();
        await link.HelloAsync(2);

        Assert.Equal(0, chunk.Code);
        Assert.True(leftBehind, "the killed agent left the upload's hidden file");
        Assert.Contains($"Deleted upload {hidden}: an earlier run of the agent left it unfinished", again.Log, StringComparison.Ordinal);
        Assert.False(File.Exists(hidden), "the hidden file is gone once the agent is back");
        Assert.Empty(Directory.GetFiles(Path.Combine(link.Agent.Root, "data", "state", "uploads")));
    }
}
