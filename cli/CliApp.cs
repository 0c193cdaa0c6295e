using System.CommandLine;
using System.CommandLine.Parsing;
using RemoteDev.Cli.Commands;
using RemoteDev.Cli.Infrastructure;

namespace RemoteDev.Cli;

/// <summary>Parses the command line; parse errors are usage errors (exit 2) naming the argument at fault.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await ParseAndInvokeAsync(args);
        }
        catch (Exception error)
        {
            // Failures outside a command's action: writing help or a parse error.
            return await Failures.ReportAsync(error);
        }
    }

    private static async Task<int> ParseAndInvokeAsync(string[] args)
    {
        var root = RootCommandFactory.Create();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"rdev: {error.Message}");
            }

            await Console.Error.WriteLineAsync($"Usage: {Usage(parse.CommandResult)} (see --help)");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>"rdev sandbox get ID [options]": names the arguments a parse error may be about.</summary>
    private static string Usage(CommandResult command)
    {
        var path = new List<string>();
        for (SymbolResult? result = command; result is CommandResult c; result = c.Parent)
        {
            path.Insert(0, c.Command is RootCommand ? "rdev" : c.Command.Name);
        }

        path.AddRange(command.Command.Arguments.Select(a => a.Arity.MaximumNumberOfValues > 1 ? a.Name + "..." : a.Name));
        if (command.Command.Options.Count > 0)
        {
            path.Add("[options]");
        }

        return string.Join(' ', path);
    }
}
