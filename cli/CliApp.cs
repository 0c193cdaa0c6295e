using System.CommandLine;
using RemoteDev.Cli.Commands;
using RemoteDev.Cli.Infrastructure;

namespace RemoteDev.Cli;

/// <summary>Parses the command line; parse errors are usage errors (exit 2) naming the argument at fault.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = RootCommandFactory.Create();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"rdev: {error.Message}");
            }

            await Console.Error.WriteLineAsync($"Run '{parse.CommandResult.Command.Name} --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = true });
    }
}
