namespace RemoteDev.Testing;

/// <summary>
/// The agent as it ships: the self-contained, trimmed build in artifacts/agent, published by every build of the test
/// projects and the benchmarks (tests/Directory.Build.targets). Tests and benchmarks run this one, never the untrimmed
/// build output.
/// </summary>
internal static class PublishedAgent
{
    public static string Binary(string repoRoot)
    {
        var published = Path.Combine(repoRoot, "artifacts", "agent", "remotedev-agent");
        return File.Exists(published)
            ? published
            : throw new InvalidOperationException($"{published} is missing: build the test projects in Release (they publish it)");
    }
}
