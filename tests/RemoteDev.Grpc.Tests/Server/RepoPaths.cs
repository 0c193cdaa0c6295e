namespace RemoteDev.Grpc.Tests.Server;

/// <summary>Files of the repository the tests use (peer scripts, protos), found from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string InteropProtos => Path.Combine(Root, "tests", "RemoteDev.Grpc.Tests", "Protos");

    public static string ServerProtos => Path.Combine(Root, "grpc", "Grpc.AspNetCore.Server", "Protos");

    public static string Peers => Path.Combine(Root, "tests", "RemoteDev.Grpc.Tests", "Server", "Peers");

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
