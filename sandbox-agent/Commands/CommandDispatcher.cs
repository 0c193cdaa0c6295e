using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>
/// Runs commands from the link (concurrently, bounded) and from ctl. Every command ends in exactly one
/// CommandResult, by its deadline at the latest; bad input becomes an error result and never an exception.
/// </summary>
internal sealed class CommandDispatcher(CommandHandlers handlers, ILogger logger)
{
    private readonly SemaphoreSlim _slots = new(Link.LinkTimings.MaxConcurrentCommands);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _cancellable = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts the command and returns at once; its result is posted to <paramref name="sink"/>. With every slot
    /// taken the command is answered RESOURCE_EXHAUSTED instead of waiting for one.
    /// </summary>
    public void Dispatch(Command command, ICommandSink sink)
    {
        var task = _slots.Wait(0) ? RunAndPostAsync(command, sink) : PostAsync(command, sink, Busy(command));
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Stops a running command: it is answered CANCELLED. An id that is not running is ignored.</summary>
    public void Cancel(string id)
    {
        if (_cancellable.TryGetValue(id, out var cancel))
        {
            CommandLog.Cancelled(logger, id);
            cancel.Cancel();
        }
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

        TimeSpan timeout;
        try
        {
            timeout = Timeout(command);
        }
        catch (ProcessHostException e)
        {
            return Error(command, e.Code, e.Message);
        }

        // The handler is abandoned at the deadline even when it does not stop: its late result is dropped.
        var deadline = new CancellationTokenSource(timeout);
        using var cancel = new CancellationTokenSource();
        var cancelled = _cancellable.TryAdd(command.Id, cancel) ? cancel.Token : CancellationToken.None;
        var handling = HandleAsync(command, sink, deadline, timeout, cancelled);
        _ = handling.ContinueWith(_ => deadline.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            return await handling.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            CommandLog.Abandoned(logger, command.Id, command.OpCase.ToString(), timeout.TotalSeconds);
            _ = handling.ContinueWith(_ => CommandLog.AbandonedEnded(logger, command.Id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return DeadlineExceeded(command, timeout);
        }
        finally
        {
            _cancellable.TryRemove(new KeyValuePair<string, CancellationTokenSource>(command.Id, cancel));
        }
    }

    private async Task<CommandResult> HandleAsync(Command command, ICommandSink sink, CancellationTokenSource deadline, TimeSpan timeout, CancellationToken cancelled)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancelled);
        try
        {
            var result = await handlers.HandleAsync(command, sink, stop.Token);
            result.Id = command.Id;
            return result;
        }
        catch (ProcessHostException e)
        {
            return Error(command, e.Code, e.Message);
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            return Error(command, StatusCode.Cancelled, $"{command.OpCase} was cancelled by the control plane");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return DeadlineExceeded(command, timeout);
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
            await PostAsync(command, sink, await ExecuteAsync(command, sink));
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task PostAsync(Command command, ICommandSink sink, CommandResult result)
    {
        if (result.Code != 0)
        {
            CommandLog.Failed(logger, command.Id, command.OpCase.ToString(), ((StatusCode)result.Code).ToString(), result.Message);
        }

        try
        {
            await sink.PostAsync(new AgentMessage { CommandResult = result }, CancellationToken.None);
        }
        catch (Exception e) when (e is System.Threading.Channels.ChannelClosedException or OperationCanceledException)
        {
            CommandLog.ResultDropped(logger, command.Id);
        }
    }

    private static TimeSpan Timeout(Command command)
    {
        if (CommandDurations.Optional(command.Timeout, "timeout") is { } timeout && timeout > TimeSpan.Zero)
        {
            return timeout;
        }

        return command.OpCase == Command.OpOneofCase.Exec
            ? ExecRunner.TimeoutOf(command.Exec) + CommandTimings.ExecResultMargin
            : CommandTimings.DefaultTimeout;
    }

    private static CommandResult Busy(Command command) => Error(
        command,
        StatusCode.ResourceExhausted,
        $"{Link.LinkTimings.MaxConcurrentCommands} commands are running, the most this agent runs at once; try again when one has finished");

    private static CommandResult DeadlineExceeded(Command command, TimeSpan timeout) =>
        Error(command, StatusCode.DeadlineExceeded, $"{command.OpCase} did not finish within {timeout.TotalSeconds:0.###} s");

    private static CommandResult Error(Command command, StatusCode code, string message) =>
        new() { Id = command.Id, Code = (int)code, Message = message };
}
