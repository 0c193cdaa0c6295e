using System.Diagnostics;
using System.Globalization;

namespace RemoteDev.Bench.Grpc;

/// <summary>
/// A server process that prints "PORTS port..." once listening and stops when stdin closes: grpcio or grpc-js running
/// the test peers' scripts (tests/RemoteDev.Grpc.Tests/Client/Peers), or this benchmark serving our server.
/// </summary>
internal sealed class PeerBenchServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly DirectoryInfo _scratch;

    private PeerBenchServer(Process process, DirectoryInfo scratch, Uri address)
    {
        _process = process;
        _scratch = scratch;
        Address = address;
    }

    public Uri Address { get; }

    public static Task<PeerBenchServer> StartPythonAsync(string root)
    {
        var scratch = Directory.CreateTempSubdirectory("bench-grpcio-");
        return StartAsync(scratch, "/usr/bin/python3", ["-u", PeerScript(root, "python_server.py"), Proto(root), scratch.FullName], null);
    }

    public static Task<PeerBenchServer> StartNodeAsync(string root) =>
        StartAsync(Directory.CreateTempSubdirectory("bench-grpc-js-"), "node", [PeerScript(root, "node_server.js"), Proto(root)], Path.Combine(root, ".tools", "npm", "node_modules"));

    /// <summary>This benchmark again, through the apphost or through "dotnet bench.dll", whichever runs it now.</summary>
    public static Task<PeerBenchServer> StartOursAsync(string benchmarkName)
    {
        var host = Environment.ProcessPath!;
        string[] arguments = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? [typeof(PeerBenchServer).Assembly.Location, benchmarkName, InteropBench.ServeArgument]
            : [benchmarkName, InteropBench.ServeArgument];
        return StartAsync(Directory.CreateTempSubdirectory("bench-grpc-ours-"), host, arguments, null);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exited = new CancellationTokenSource(ExitTimeout);
            await _process.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
            _scratch.Delete(recursive: true);
        }
    }

    private static async Task<PeerBenchServer> StartAsync(DirectoryInfo scratch, string fileName, string[] arguments, string? nodePath)
    {
        var startInfo = new ProcessStartInfo(fileName) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (nodePath is not null)
        {
            startInfo.Environment["NODE_PATH"] = nodePath;
        }

        var process = Process.Start(startInfo)!;
        using var timeout = new CancellationTokenSource(StartTimeout);
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException($"{fileName} exited before listening.");
        var port = int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
        return new PeerBenchServer(process, scratch, new Uri($"http://127.0.0.1:{port}"));
    }

    private static string PeerScript(string root, string name) => Path.Combine(root, "tests", "RemoteDev.Grpc.Tests", "Client", "Peers", name);

    private static string Proto(string root) => Path.Combine(root, "tests", "RemoteDev.Grpc.Tests", "Protos", "interop.proto");
}
