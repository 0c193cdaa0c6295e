using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessAddCommand
{
    private static readonly Argument<string> Sandbox = ProcessArguments.Sandbox();
    private static readonly Argument<string?> Name = new("NAME") { Description = "Process name (unless --file)", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Argument<string[]> CommandLine = new("COMMAND") { Description = "After --: the executable and its arguments", Arity = ArgumentArity.ZeroOrMore };
    private static readonly Option<FileInfo?> File = new("--file") { Description = "A ProcessSpec in proto JSON instead of NAME -- COMMAND" };
    private static readonly Option<string> Restart = RestartPolicies.Option();
    private static readonly Option<bool> StdinOpen = new("--stdin-open") { Description = "Keep stdin open for attach (pipes mode)" };
    private static readonly Option<bool> Tty = new("--tty", "-t") { Description = "Run on a 24x80 PTY" };
    private static readonly Option<string[]> EnvValues = KeyValues.Option("--env", "A definition env variable (repeatable)");
    private static readonly Option<string[]> Tags = new("--tag") { Description = "A tag (repeatable)" };
    private static readonly Option<string> Cwd = new("--cwd") { Description = "Working directory (default: the workspace)", DefaultValueFactory = _ => "" };

    public static Command Create()
    {
        var command = new Command("add", "Add a process to a sandbox and start it")
        {
            Sandbox, Name, CommandLine, File, Restart, StdinOpen, Tty, EnvValues, Tags, Cwd,
        };
        command.Validators.Add(result =>
        {
            var fromFile = result.GetResult(File) is not null;
            var hasName = result.GetResult(Name) is { Tokens.Count: > 0 };
            var hasCommand = result.GetResult(CommandLine) is { Tokens.Count: > 0 };
            if (fromFile == (hasName || hasCommand) || (!fromFile && !(hasName && hasCommand)))
            {
                result.AddError("process add: give either --file F.json or NAME -- COMMAND [ARGS...]");
            }
        });
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var spec = cli.Get(File) is { } file ? await ProcessSpecFile.ReadOneAsync(file, "--file", cancellationToken) : FromArguments(cli);
        var status = await cli.Api.Processes.AddAsync(new V1.AddProcessRequest { SandboxId = cli.Get(Sandbox), Spec = spec }, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(status, () => ProcessViews.Details(status));
        return ExitCodes.Ok;
    }

    private static V1.ProcessSpec FromArguments(CliContext cli)
    {
        var commandLine = cli.Get(CommandLine);
        var spec = new V1.ProcessSpec
        {
            Name = cli.Get(Name),
            Command = commandLine[0],
            Cwd = cli.Get(Cwd),
            RestartPolicy = RestartPolicies.Parse(cli.Get(Restart)),
            StdinOpen = cli.Get(StdinOpen),
            Terminal = cli.Get(Tty) ? new V1.TerminalSize { Rows = 24, Cols = 80 } : null,
        };
        spec.Args.Add(commandLine.Skip(1));
        spec.Env.Add(KeyValues.ToDictionary(cli.Get(EnvValues)));
        spec.Tags.Add(cli.Get(Tags) ?? []);
        return spec;
    }
}
