using System.CommandLine;

namespace RemoteDev.Cli.Commands.Process;

/// <summary>The SANDBOX and PROCESS arguments shared by the process commands.</summary>
internal static class ProcessArguments
{
    public static Argument<string> Sandbox() => new("SANDBOX") { Description = "Sandbox id" };

    public static Argument<string> Process() => new("PROCESS") { Description = "Process name" };
}
