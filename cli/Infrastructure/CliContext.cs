using System.CommandLine;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>What a command's action works with: its parse result, the output renderer and a lazy connection.</summary>
internal sealed class CliContext(ParseResult parse) : IDisposable
{
    private Connection? _connection;

    public ParseResult Parse { get; } = parse;

    public Renderer Out { get; } = new(parse.GetValue(GlobalOptions.Output));

    public Connection Api => _connection ??= new Connection(
        Parse.GetValue(GlobalOptions.Server)!,
        ApiKeyResolver.Resolve(Parse.GetValue(GlobalOptions.ApiKey)),
        Deadlines.RequestTimeout(Parse.GetValue(GlobalOptions.RequestTimeout)));

    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    public T Get<T>(Option<T> option) => Parse.GetValue(option)!;

    public void Dispose() => _connection?.Dispose();
}
