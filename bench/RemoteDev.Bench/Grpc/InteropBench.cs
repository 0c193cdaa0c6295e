using System.Globalization;

namespace RemoteDev.Bench.Grpc;

/// <summary>
/// grpc-interop: our client against three servers (ours, grpc-js, grpcio) in one run: (a) pipelined bidirectional echo
/// of 64 KiB messages on one call (MiB/s), (b) small unary calls with 64 concurrent callers (calls/s). Prints the
/// figures and the ratios ours/grpc-js and ours/grpcio. Each server runs in its own process; 5 s per measurement after
/// 3-5 s of warm-up, about 70 s in all.
/// </summary>
internal sealed class InteropBench : IBenchmark
{
    private static readonly TimeSpan Measurement = TimeSpan.FromSeconds(5);
    /// <summary>
    /// Long enough for tiered JIT to settle in our client and our server on this loaded box: a fresh .NET server echoes
    /// at less than half its speed for its first seconds.
    /// </summary>
    private static readonly TimeSpan EchoWarmUp = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan UnaryWarmUp = TimeSpan.FromSeconds(3);

    /// <summary>Run as "grpc-interop serve-ours", the benchmark is our server's process.</summary>
    public const string ServeArgument = "serve-ours";

    public string Name => "grpc-interop";

    public string Description => "our gRPC client: 64 KiB duplex echo and unary calls/s against our server, grpc-js and grpcio";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args is [ServeArgument])
        {
            await OurBenchServer.ServeUntilStdinClosesAsync();
            return;
        }

        var root = FindRoot();
        var results = new List<(string Server, double EchoMiBs, double UnaryPerSecond)>();
        await using (var ours = await PeerBenchServer.StartOursAsync(Name))
        {
            results.Add(await MeasureAsync("ours", ours.Address, cancellationToken));
        }

        await using (var node = await PeerBenchServer.StartNodeAsync(root))
        {
            results.Add(await MeasureAsync("grpc-js", node.Address, cancellationToken));
        }

        await using (var python = await PeerBenchServer.StartPythonAsync(root))
        {
            results.Add(await MeasureAsync("grpcio", python.Address, cancellationToken));
        }

        Console.WriteLine();
        Console.WriteLine($"{"server",-10} {"echo 64 KiB MiB/s",18} {"unary calls/s",14}");
        foreach (var (server, echo, unary) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{server,-10} {echo,18:F1} {unary,14:F0}"));
        }

        var (_, oursEcho, oursUnary) = results[0];
        foreach (var (server, echo, unary) in results.Skip(1))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours/{server,-8} echo x{oursEcho / echo:F2}   unary x{oursUnary / unary:F2}"));
        }
    }

    private static async Task<(string, double, double)> MeasureAsync(string server, Uri address, CancellationToken cancellationToken)
    {
        await ClientLoad.DuplexEchoMiBPerSecondAsync(address, EchoWarmUp, cancellationToken);
        var echo = await ClientLoad.DuplexEchoMiBPerSecondAsync(address, Measurement, cancellationToken);
        await ClientLoad.UnaryCallsPerSecondAsync(address, UnaryWarmUp, cancellationToken);
        var unary = await ClientLoad.UnaryCallsPerSecondAsync(address, Measurement, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{server}: echo {echo:F1} MiB/s, unary {unary:F0} calls/s"));
        return (server, echo, unary);
    }

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
