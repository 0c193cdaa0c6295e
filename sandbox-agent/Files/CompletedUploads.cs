namespace RemoteDev.Agent.Files;

/// <summary>
/// Uploads put in place within the last <see cref="Uploads.IdleTimeout"/>, so that a chunk sent again after its answer
/// was lost gets that answer again. At most <see cref="MaxCount"/>: beyond, the oldest is forgotten first (a chunk of
/// it is then NOT_FOUND, as after the timeout). Not thread-safe: <see cref="Uploads"/> holds its gate.
/// </summary>
internal sealed class CompletedUploads(TimeProvider time)
{
    public const int MaxCount = 1024;

    private readonly Dictionary<string, (CompletedUpload Upload, long At)> _byTemp = new(StringComparer.Ordinal);
    private readonly Queue<(string Temp, long At)> _oldestFirst = new();

    public CompletedUpload? Find(string temp) => _byTemp.TryGetValue(temp, out var entry) ? entry.Upload : null;

    public void Add(string temp, CompletedUpload upload)
    {
        while (_byTemp.Count >= MaxCount)
        {
            ForgetOldest();
        }

        var at = time.GetTimestamp();
        _byTemp[temp] = (upload, at);
        _oldestFirst.Enqueue((temp, at));
    }

    public void Expire()
    {
        var now = time.GetTimestamp();
        while (_oldestFirst.TryPeek(out var oldest) && time.GetElapsedTime(oldest.At, now) >= Uploads.IdleTimeout)
        {
            ForgetOldest();
        }
    }

    private void ForgetOldest()
    {
        var (temp, at) = _oldestFirst.Dequeue();
        if (_byTemp.TryGetValue(temp, out var entry) && entry.At == at)
        {
            _byTemp.Remove(temp);
        }
    }
}
