namespace RemoteDev.Bench;

/// <summary>One benchmark: measures a candidate and its baseline in the same run and prints ratios.</summary>
internal interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    Task RunAsync(string[] args, CancellationToken cancellationToken);
}

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var benchmarks = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        var selected = args.Length == 0 ? null : benchmarks.FirstOrDefault(b => b.Name == args[0]);
        if (selected is null)
        {
            Console.Error.WriteLine("usage: dotnet run -c Release --project bench/RemoteDev.Bench -- <benchmark> [args]");
            foreach (var b in benchmarks)
            {
                Console.Error.WriteLine($"  {b.Name,-24} {b.Description}");
            }

            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        await selected.RunAsync(args[1..], cts.Token);
        return 0;
    }
}
