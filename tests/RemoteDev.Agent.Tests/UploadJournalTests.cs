using Microsoft.Extensions.Logging.Abstractions;
using RemoteDev.Agent.Files;

namespace RemoteDev.Agent.Tests;

/// <summary>The journal of uploads in progress, read at the agent's start (in-process).</summary>
public sealed class UploadJournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rdjournal-").FullName;

    private string JournalDir => Path.Combine(_dir, "journal");

    [Fact]
    public async Task At_start_the_hidden_files_the_journal_names_are_deleted_and_no_other()
    {
        var noted = Uploads.TempPath(Path.Combine(_dir, "noted.bin"), "noted");
        var notNoted = Uploads.TempPath(Path.Combine(_dir, "noted.bin"), "someone-elses");
        File.WriteAllBytes(noted, new byte[10]);
        File.WriteAllBytes(notNoted, new byte[10]);
        await new UploadJournal(JournalDir, NullLogger.Instance).AddAsync(Path.Combine(_dir, "noted.bin"), "noted", CancellationToken.None);

        new UploadJournal(JournalDir, NullLogger.Instance).DeleteAbandoned();

        Assert.False(File.Exists(noted), "the upload the journal names is deleted");
        Assert.True(File.Exists(notNoted), "a file the journal does not name is kept");
        Assert.Empty(Directory.GetFiles(JournalDir));
    }

    [Fact]
    public async Task A_corrupt_entry_is_dropped_and_the_uploads_of_the_others_are_still_deleted()
    {
        var noted = Uploads.TempPath(Path.Combine(_dir, "kept-going.bin"), "noted");
        File.WriteAllBytes(noted, new byte[10]);
        Directory.CreateDirectory(JournalDir);
        File.WriteAllText(Path.Combine(JournalDir, "truncated.json"), "{\"path\": \"/tm");
        File.WriteAllText(Path.Combine(JournalDir, "relative.json"), "{\"path\": \"etc/passwd\", \"uploadId\": \"x\"}");
        File.WriteAllText(Path.Combine(JournalDir, "root.json"), "{\"path\": \"/\", \"uploadId\": \"x\"}");
        File.WriteAllText(Path.Combine(JournalDir, "escaping-id.json"), "{\"path\": \"/tmp/a\", \"uploadId\": \"../../x\"}");
        File.WriteAllText(Path.Combine(JournalDir, "null.json"), "null");
        await new UploadJournal(JournalDir, NullLogger.Instance).AddAsync(Path.Combine(_dir, "kept-going.bin"), "noted", CancellationToken.None);

        new UploadJournal(JournalDir, NullLogger.Instance).DeleteAbandoned();

        Assert.False(File.Exists(noted), "the upload of the valid entry is deleted");
        Assert.Empty(Directory.GetFiles(JournalDir));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
