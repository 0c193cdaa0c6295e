namespace RemoteDev.Cli.Tests.Harness;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Rdev => Path.Combine(Root, "cli", "bin", "Release", "net10.0", "rdev");

    public static string ControlPlaneDll => Path.Combine(Root, "control-plane", "bin", "Release", "net10.0", "remotedev-control-plane.dll");

    public static string Agent => RemoteDev.Testing.PublishedAgent.Binary(Root);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RemoteDev.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RemoteDev.sln not found above " + AppContext.BaseDirectory);
    }
}
