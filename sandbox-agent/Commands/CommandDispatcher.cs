using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>
/// Runs commands from the link (concurrently, bounded) and from ctl. Every command ends in exactly one
/// CommandResult; bad input becomes an error result and never an exception.
/// </summary>
internal sealed class CommandDispatcher(CommandHandlers handlers, ILogger logger)
{
    private readonly SemaphoreSlim _slots = new(Link.LinkTimings.MaxConcurrentCommands);
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Starts the command and returns; its result is posted to <paramref name="sink"/>.</summary>
    public async Task DispatchAsync(Command command, ICommandSink sink, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        var task = RunAndPostAsync(command, sink);
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits for running commands (at shutdown), within the caller's bound.</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);

    public async Task<CommandResult> ExecuteAsync(Command command, ICommandSink sink)
    {
        if (string.IsNullOrEmpty(command.Id))
        {
            return Error(command, StatusCode.InvalidArgument, "id is required");
        }

        if (command.OpCase == Command.OpOneofCase.None)
        {
            return Error(command, StatusCode.Unimplemented, "the command carries no operation this agent knows");
        }

        var timeout = Timeout(command);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            var result = await handlers.HandleAsync(command, sink, deadline.Token);
            result.Id = command.Id;
            return result;
        }
        catch (ProcessHostException e)
        {
            return Error(command, e.Code, e.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return Error(command, StatusCode.DeadlineExceeded, $"{command.OpCase} did not finish within {timeout.TotalSeconds:F0} s");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error(command, e is UnauthorizedAccessException ? StatusCode.PermissionDenied : StatusCode.FailedPrecondition, e.Message);
        }
        catch (Exception e)
        {
            CommandLog.Crashed(logger, command.Id, command.OpCase.ToString(), e);
            return Error(command, StatusCode.Internal, e.Message);
        }
    }

    private async Task RunAndPostAsync(Command command, ICommandSink sink)
    {
        try
        {
            await Task.Yield();
            var result = await ExecuteAsync(command, sink);
            if (result.Code != 0)
            {
                CommandLog.Failed(logger, command.Id, command.OpCase.ToString(), ((StatusCode)result.Code).ToString(), result.Message);
            }

            await sink.PostAsync(new AgentMessage { CommandResult = result }, CancellationToken.None);
        }
        catch (Exception e) when (e is System.Threading.Channels.ChannelClosedException or OperationCanceledException)
        {
            CommandLog.ResultDropped(logger, command.Id);
        }
        finally
        {
            _slots.Release();
        }
    }

    private static TimeSpan Timeout(Command command)
    {
        if (command.Timeout is { } timeout && timeout.ToTimeSpan() > TimeSpan.Zero)
        {
            return timeout.ToTimeSpan();
        }

        return command.OpCase == Command.OpOneofCase.Exec
            ? ExecRunner.TimeoutOf(command.Exec) + CommandTimings.ExecResultMargin
            : CommandTimings.DefaultTimeout;
    }

    private static CommandResult Error(Command command, StatusCode code, string message) =>
        new() { Id = command.Id, Code = (int)code, Message = message };
}
