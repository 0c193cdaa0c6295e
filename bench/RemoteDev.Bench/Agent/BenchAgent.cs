using System.Diagnostics;

namespace RemoteDev.Bench.Agent;

/// <summary>The real remotedev-agent as it ships (artifacts/agent) with its own directories.</summary>
internal sealed class BenchAgent : IAsyncDisposable
{
    private readonly Process _process;

    private BenchAgent(Process process)
    {
        _process = process;
    }

    public static BenchAgent Start(string url, string root, string processFileJson)
    {
        var file = Path.Combine(root, "processes.json");
        File.WriteAllText(file, processFileJson);
        var info = new ProcessStartInfo(Binary()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["REMOTEDEV_CONTROL_PLANE_URL"] = url;
        info.Environment["REMOTEDEV_SANDBOX_ID"] = "bench";
        info.Environment["REMOTEDEV_AGENT_TOKEN"] = "bench-token";
        info.Environment["REMOTEDEV_PROCESS_FILE"] = file;
        info.Environment["REMOTEDEV_DATA_DIR"] = Path.Combine(root, "data");
        info.Environment["REMOTEDEV_LOG_DIR"] = Path.Combine(root, "logs");
        info.Environment["REMOTEDEV_WORKSPACE_DIR"] = Path.Combine(root, "workspace");
        info.Environment["DOTNET_GCgen0size"] = "0x400000"; // as the sandbox image and the process driver run it
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchAgent(process);
    }

    public int Pid => _process.Id;

    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS");
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static string Binary()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RemoteDev.sln")))
        {
            dir = dir.Parent;
        }

        return RemoteDev.Testing.PublishedAgent.Binary(dir?.FullName ?? throw new InvalidOperationException("RemoteDev.sln not found"));
    }
}
