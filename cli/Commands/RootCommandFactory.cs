using System.CommandLine;
using RemoteDev.Cli.Commands.ApiKeys;
using RemoteDev.Cli.Commands.Attach;
using RemoteDev.Cli.Commands.Env;
using RemoteDev.Cli.Commands.Exec;
using RemoteDev.Cli.Commands.Files;
using RemoteDev.Cli.Commands.Logs;
using RemoteDev.Cli.Commands.Process;
using RemoteDev.Cli.Commands.Sandbox;
using RemoteDev.Cli.Infrastructure;

namespace RemoteDev.Cli.Commands;

internal static class RootCommandFactory
{
    private const string Description = """
        rdev: drive RemoteDev sandboxes and their processes.

        API key, first one given wins: --api-key; env RDEV_API_KEY; the admin.key file the control plane writes on
        first start, in $REMOTEDEV_DATA_DIR when set, else in ./.data. One given empty is an error, not a fallback.
        Exit codes: 0 ok, 1 other error, 2 usage or invalid argument, 3 not found, 4 unauthenticated or permission
        denied, 5 unavailable or deadline exceeded, 6 conflict (already exists, failed precondition), 129/130/143
        ended by SIGHUP/SIGINT/SIGTERM, 141 the reader of the output went away (| head). exec and attach exit with
        the remote process's code (128+N for signal N, 124 exec timeout).
        """;

    public static RootCommand Create()
    {
        var root = new RootCommand(Description);
        GlobalOptions.AddTo(root);
        root.Add(SandboxCommand.Create());
        root.Add(PsCommand.Create());
        root.Add(ProcessCommand.Create());
        root.Add(ExecCommand.Create());
        root.Add(AttachCommand.Create());
        root.Add(LogsCommand.Create());
        root.Add(FilesCommand.Create());
        root.Add(EnvCommand.Create());
        root.Add(ApiKeyCommand.Create());
        return root;
    }
}
