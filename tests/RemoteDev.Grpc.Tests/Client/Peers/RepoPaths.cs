namespace RemoteDev.Grpc.Tests.Client.Peers;

/// <summary>Paths in the repository the tests run from (found by walking up to RemoteDev.sln).</summary>
internal static class RepoPaths
{
    public static readonly string Root = FindRoot();

    public static string InteropProto => Path.Combine(Root, "tests", "RemoteDev.Grpc.Tests", "Protos", "interop.proto");

    public static string Peer(string file) => Path.Combine(Root, "tests", "RemoteDev.Grpc.Tests", "Client", "Peers", file);

    public static string NodeModules => Path.Combine(Root, ".tools", "npm", "node_modules");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RemoteDev.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"RemoteDev.sln not found above {AppContext.BaseDirectory}.");
    }
}
