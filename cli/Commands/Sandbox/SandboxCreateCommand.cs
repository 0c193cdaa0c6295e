using System.CommandLine;
using RemoteDev.Cli.Commands.Process;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Sandbox;

internal static class SandboxCreateCommand
{
    private const string DefaultProject = "default";

    private static readonly Argument<string> Name = new("NAME") { Description = "Sandbox name, unique among live sandboxes of its project" };
    private static readonly Option<string> Project = new("--project") { Description = $"Project (default: {DefaultProject})", DefaultValueFactory = _ => DefaultProject };
    private static readonly Option<string[]> Labels = KeyValues.Option("--label", "A label (repeatable)");
    private static readonly Option<string[]> EnvValues = KeyValues.Option("--env", "A sandbox environment variable (repeatable)");
    private static readonly Option<FileInfo?> ProcessFile = new("--process-file") { Description = "JSON file: a ProcessSpec or an array of them (proto JSON)" };
    private static readonly Option<FileInfo?> SpecFile = new("--spec-file")
    {
        Description = "JSON file: the SandboxSpec (proto JSON), e.g. with readiness or limits; --driver, --env and --process-file add to it",
    };
    private static readonly Option<string?> Driver = new("--driver") { Description = "Sandbox driver: process, the default and the only one this control plane offers" };
    private static readonly Option<bool> WaitReady = new("--wait-ready") { Description = "Wait until the sandbox is READY; fail if it ends FAILED or STOPPED" };
    private static readonly Option<TimeSpan> Timeout = new("--timeout")
    {
        Description = "With --wait-ready: how long to wait (default 5m)",
        CustomParser = Parsers.Duration,
        DefaultValueFactory = _ => Deadlines.WaitReady,
    };

    public static Command Create()
    {
        var command = new Command("create", "Create a sandbox") { Name, Project, Labels, EnvValues, ProcessFile, SpecFile, Driver, WaitReady, Timeout };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var spec = cli.Get(SpecFile) is { } specFile ? await SandboxSpecFile.ReadAsync(specFile, "--spec-file", cancellationToken) : new V1.SandboxSpec();
        if (cli.Get(Driver) is { } driver)
        {
            spec.Driver = driver;
        }

        spec.Env.Add(KeyValues.ToDictionary(cli.Get(EnvValues)));
        if (cli.Get(ProcessFile) is { } file)
        {
            spec.Processes.Add(await ProcessSpecFile.ReadAsync(file, "--process-file", cancellationToken));
        }

        var request = new V1.CreateSandboxRequest { Name = cli.Get(Name), Project = cli.Get(Project), Spec = spec };
        request.Labels.Add(KeyValues.ToDictionary(cli.Get(Labels)));
        var sandbox = await cli.Api.Sandboxes.CreateAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        if (cli.Get(WaitReady))
        {
            sandbox = await ReadyWaiter.WaitAsync(cli.Api.Sandboxes, sandbox.Id, cli.Get(Timeout), cancellationToken);
        }

        cli.Out.Show(sandbox, () => SandboxViews.Details(sandbox));
        return ExitCodes.Ok;
    }
}
