using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Sandbox;

internal static class SandboxListCommand
{
    private const uint PageSize = 500;

    private static readonly Option<string> Project = new("--project") { Description = "Only this project", DefaultValueFactory = _ => "" };
    private static readonly Option<string[]> Labels = KeyValues.Option("--label", "Only sandboxes with this label (repeatable; all must match)");

    public static Command Create()
    {
        var command = new Command("list", "List sandboxes (every page)") { Project, Labels };
        command.Aliases.Add("ls");
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.ListSandboxesRequest { Project = cli.Get(Project), PageSize = PageSize };
        request.Labels.Add(KeyValues.ToDictionary(cli.Get(Labels)));
        var all = new V1.ListSandboxesResponse();
        do
        {
            var page = await cli.Api.Sandboxes.ListAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
            all.Sandboxes.Add(page.Sandboxes);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        cli.Out.Show(all, () => SandboxViews.List(all.Sandboxes));
        return ExitCodes.Ok;
    }
}
