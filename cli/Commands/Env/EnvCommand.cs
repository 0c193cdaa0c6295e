using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Env;

internal static class EnvCommand
{
    public static Command Create() => new("env", "Set, unset and list the sandbox's global environment (names only: values may be secrets)")
    {
        EnvSetCommand.Create(),
        EnvUnsetCommand.Create(),
        EnvListCommand.Create(),
    };

    public static void Show(CliContext cli, V1.EnvNamesResponse names)
    {
        if (cli.Out.IsJson)
        {
            cli.Out.Message(names);
            return;
        }

        foreach (var name in names.Names)
        {
            cli.Out.Line(name);
        }
    }
}
