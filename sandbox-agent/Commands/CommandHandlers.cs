using Grpc.Core;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>One handler per command operation; input is validated here, field by field.</summary>
internal sealed class CommandHandlers(IProcessHost host, ExecRunner exec, FileCommands files, IShutdownTrigger shutdown)
{
    public async Task<CommandResult> HandleAsync(Command command, ICommandSink sink, CancellationToken cancellationToken) =>
        command.OpCase switch
        {
            Command.OpOneofCase.Add => Status(await host.AddAsync(Require(command.Add, "add"), cancellationToken)),
            Command.OpOneofCase.Start => Status(await host.StartAsync(Name(command.Start.Name, "start.name"), cancellationToken)),
            Command.OpOneofCase.Stop => Status(await host.StopAsync(Name(command.Stop.Name, "stop.name"), CommandDurations.Optional(command.Stop.Grace, "stop.grace"), cancellationToken)),
            Command.OpOneofCase.Restart => Status(await host.RestartAsync(Name(command.Restart.Name, "restart.name"), command.Restart.Force, cancellationToken)),
            Command.OpOneofCase.Reload => Status(await host.ReloadAsync(Require(command.Reload.Spec, "reload.spec"), command.Reload.RestartNow, cancellationToken)),
            Command.OpOneofCase.Remove => await OkAsync(host.RemoveAsync(Name(command.Remove.Name, "remove.name"), cancellationToken)),
            Command.OpOneofCase.Signal => await OkAsync(host.SignalAsync(Name(command.Signal.Name, "signal.name"), Name(command.Signal.Signal, "signal.signal"), cancellationToken)),
            Command.OpOneofCase.WriteStdin => await OkAsync(host.WriteStdinAsync(Name(command.WriteStdin.Name, "write_stdin.name"), command.WriteStdin.Data.Memory, cancellationToken)),
            Command.OpOneofCase.CloseStdin => await OkAsync(host.CloseStdinAsync(Name(command.CloseStdin.Name, "close_stdin.name"), cancellationToken)),
            Command.OpOneofCase.Resize => await OkAsync(host.ResizeAsync(Name(command.Resize.Name, "resize.name"), Require(command.Resize.Size, "resize.size"), cancellationToken)),
            Command.OpOneofCase.List => List(command.List),
            Command.OpOneofCase.Get => Status(host.Get(Name(command.Get.Name, "get.name"), command.Get.IncludeEnv)),
            Command.OpOneofCase.Wait => Status(await WaitAsync(command.Wait, cancellationToken)),
            Command.OpOneofCase.Exec => new CommandResult { Exec = await exec.RunAsync(command, sink, cancellationToken) },
            Command.OpOneofCase.WriteFile => new CommandResult { File = await files.WriteAsync(command.WriteFile, cancellationToken) },
            Command.OpOneofCase.ReadFile => new CommandResult { File = await FileCommands.ReadAsync(command.ReadFile, cancellationToken) },
            Command.OpOneofCase.SetEnv => Names(host.SetEnv(command.SetEnv.Values)),
            Command.OpOneofCase.UnsetEnv => Names(host.UnsetEnv(command.UnsetEnv.Names)),
            Command.OpOneofCase.Shutdown => Shutdown(command.Shutdown),
            _ => throw new ProcessHostException(StatusCode.Unimplemented, $"unknown operation {command.OpCase}"),
        };

    private CommandResult List(ListProcesses list)
    {
        var result = new ProcessList();
        result.Processes.Add(host.List(list.Tags));
        return new CommandResult { Processes = result };
    }

    private Task<ProcessStatus> WaitAsync(WaitProcess wait, CancellationToken cancellationToken)
    {
        if (wait.State == ProcessState.Unspecified)
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, "wait.state is required");
        }

        var timeout = CommandDurations.Optional(wait.Timeout, "wait.timeout") ?? CommandTimings.DefaultTimeout;
        return host.WaitAsync(Name(wait.Name, "wait.name"), wait.State, timeout, cancellationToken);
    }

    private CommandResult Shutdown(Shutdown request)
    {
        shutdown.Request(CommandDurations.Optional(request.Grace, "shutdown.grace"), "shutdown command");
        return new CommandResult();
    }

    private static CommandResult Status(ProcessStatus status) => new() { Process = status };

    private static CommandResult Names(IReadOnlyList<string> names)
    {
        var result = new EnvNames();
        result.Names.Add(names);
        return new CommandResult { Env = result };
    }

    private static async Task<CommandResult> OkAsync(Task operation)
    {
        await operation;
        return new CommandResult();
    }

    private static string Name(string value, string field) =>
        string.IsNullOrEmpty(value) ? throw new ProcessHostException(StatusCode.InvalidArgument, $"{field} is required") : value;

    private static T Require<T>(T? value, string field)
        where T : class =>
        value ?? throw new ProcessHostException(StatusCode.InvalidArgument, $"{field} is required");
}
