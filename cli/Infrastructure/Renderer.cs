using Google.Protobuf;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>Human tables (Spectre.Console) or proto JSON, one message per line.</summary>
internal sealed class Renderer(OutputFormat format)
{
    /// <summary>Redirected table output is for grep and logs: wide enough that ids and names never wrap.</summary>
    private const int RedirectedWidth = 400;

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    private IAnsiConsole? _console;

    public OutputFormat Format { get; } = format;

    public bool IsJson => Format == OutputFormat.Json;

    public void Message(IMessage message) => Console.Out.WriteLine(Json.Format(message));

    public void Write(IRenderable renderable) => Ansi.Write(renderable);

    public void Line(string text) => Console.Out.WriteLine(text);

    /// <summary>JSON mode prints <paramref name="message"/>; table mode prints what <paramref name="table"/> builds.</summary>
    public void Show(IMessage message, Func<IRenderable> table)
    {
        if (IsJson)
        {
            Message(message);
        }
        else
        {
            Write(table());
        }
    }

    private IAnsiConsole Ansi => _console ??= CreateConsole();

    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
