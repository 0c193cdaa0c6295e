using RemoteDev.ProcessSpecs;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Configuration;
using S = RemoteDev.Supervisor;
using V1 = RemoteDev.V1;

namespace RemoteDev.Agent.Hosting;

/// <summary><see cref="IProcessHost"/> over the supervisor library: maps types and turns its errors into gRPC codes.</summary>
internal sealed class SupervisorProcessHost(S.ProcessSupervisor supervisor) : IProcessHost
{
    public static async Task<SupervisorProcessHost> StartAsync(AgentOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        var supervisorOptions = new S.SupervisorOptions
        {
            StateDirectory = options.StateDir,
            EnvDirectory = options.EnvDir,
            WorkspaceDirectory = options.WorkspaceDir,
            ChildOomScoreAdj = Native.OomScore.Child,
        };
        return new SupervisorProcessHost(await S.ProcessSupervisor.StartAsync(supervisorOptions, loggerFactory, time, CancellationToken.None));
    }

    public Task ReconcileAsync(IReadOnlyList<V1.ProcessSpec> configured, CancellationToken cancellationToken) =>
        Guard(async () => await supervisor.ReconcileAsync(configured.Select(SpecMapping.ToSupervisor).ToList(), cancellationToken));

    public Task<V1.ProcessStatus> AddAsync(V1.ProcessSpec spec, CancellationToken cancellationToken) =>
        Guard(async () => StatusMapping.ToProto(await supervisor.AddAsync(SpecMapping.ToSupervisor(spec), cancellationToken)));

    public Task RemoveAsync(string name, CancellationToken cancellationToken) =>
        Guard(async () => await supervisor.RemoveAsync(name, cancellationToken));

    public Task<V1.ProcessStatus> StartAsync(string name, CancellationToken cancellationToken) =>
        Guard(async () => StatusMapping.ToProto(await supervisor.StartAsync(name, cancellationToken)));

    public Task<V1.ProcessStatus> StopAsync(string name, TimeSpan? grace, CancellationToken cancellationToken) =>
        Guard(async () => StatusMapping.ToProto(await supervisor.StopAsync(name, grace, cancellationToken)));

    public Task<V1.ProcessStatus> RestartAsync(string name, bool force, CancellationToken cancellationToken) =>
        Guard(async () => StatusMapping.ToProto(await supervisor.RestartAsync(name, force, cancellationToken)));

    public Task<V1.ProcessStatus> ReloadAsync(V1.ProcessSpec spec, bool restartNow, CancellationToken cancellationToken) =>
        Guard(async () => StatusMapping.ToProto(await supervisor.ReloadAsync(SpecMapping.ToSupervisor(spec), restartNow, cancellationToken)));

    public Task SignalAsync(string name, string signal, CancellationToken cancellationToken) =>
        Guard(async () => await supervisor.SignalAsync(name, signal, cancellationToken));

    public Task WriteStdinAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Guard(async () => await supervisor.WriteStdinAsync(name, data, cancellationToken));

    public Task CloseStdinAsync(string name, CancellationToken cancellationToken) =>
        Guard(async () => await supervisor.CloseStdinAsync(name, cancellationToken));

    public Task ResizeAsync(string name, V1.TerminalSize size, CancellationToken cancellationToken) =>
        Guard(() =>
        {
            if (size.Rows is 0 or > ushort.MaxValue || size.Cols is 0 or > ushort.MaxValue)
            {
                throw new ProcessHostException(StatusCode.InvalidArgument, "resize.size: rows and cols must be 1..65535");
            }

            supervisor.Resize(name, new S.TerminalSize((ushort)size.Rows, (ushort)size.Cols));
            return Task.CompletedTask;
        });

    public IReadOnlyList<V1.ProcessStatus> List(IReadOnlyCollection<string> tags) =>
        supervisor.List(tags).Select(StatusMapping.ToProto).ToList();

    public V1.ProcessStatus Get(string name, bool includeEnv) =>
        Guard(() => Task.FromResult(StatusMapping.ToProto(supervisor.Get(name, includeEnv)))).GetAwaiter().GetResult();

    public Task<V1.ProcessStatus> WaitAsync(string name, V1.ProcessState state, TimeSpan timeout, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var target = StatusMapping.State(state) ?? throw new ProcessHostException(StatusCode.InvalidArgument, "wait.state: unknown value");
            var result = await supervisor.WaitForStateAsync(name, target, timeout, cancellationToken);
            return result.Reached
                ? StatusMapping.ToProto(result.Status)
                : throw new ProcessHostException(StatusCode.DeadlineExceeded, $"{name} did not reach {state} within {timeout.TotalSeconds:F1} s (it is {result.Status.State}); last output:\n{result.LogTail}");
        });

    public EventSubscription SubscribeEvents() => new(supervisor.SubscribeEvents());

    public ulong LastEventSeq => supervisor.LastEventSeq;

    public IReadOnlyList<OutputHolding> Holdings() =>
        supervisor.List([]).Select(s => new OutputHolding(s.Name, s.OutputEpoch, s.OutputStart, s.OutputEnd)).ToList();

    public IOutputReader OpenOutput(string process, string epoch, ulong offset)
    {
        try
        {
            var subscription = supervisor.SubscribeOutput(process, offset);
            return new SupervisorOutputReader(subscription.Epoch == epoch ? subscription : null);
        }
        catch (S.ProcessNotFoundException)
        {
            return new SupervisorOutputReader(null);
        }
    }

    public (ulong CpuUsec, ulong MemoryBytes)? Usage(string name)
    {
        try
        {
            var usage = supervisor.GetResourceUsage(name);
            return usage.ProcessCount == 0 ? null : ((ulong)(usage.CpuTime.Ticks / 10), usage.MemoryBytes);
        }
        catch (S.ProcessNotFoundException)
        {
            return null;
        }
    }

    public IReadOnlyList<string> SetEnv(IReadOnlyDictionary<string, string> values) =>
        Guard(() =>
        {
            supervisor.SetGlobalEnv(values);
            return Task.FromResult(supervisor.ListGlobalEnvNames());
        }).GetAwaiter().GetResult();

    public IReadOnlyList<string> UnsetEnv(IReadOnlyCollection<string> names) =>
        Guard(() =>
        {
            supervisor.UnsetGlobalEnv(names);
            return Task.FromResult(supervisor.ListGlobalEnvNames());
        }).GetAwaiter().GetResult();

    public IReadOnlyDictionary<string, string> CommandEnv(IReadOnlyDictionary<string, string> commandEnv) =>
        supervisor.CommandEnvironment(commandEnv);

    public void ReplaceEnv(IReadOnlyDictionary<string, string> values)
    {
        var absent = supervisor.ListGlobalEnvNames().Where(n => !values.ContainsKey(n)).ToList();
        Guard(() =>
        {
            if (absent.Count > 0)
            {
                supervisor.UnsetGlobalEnv(absent);
            }

            if (values.Count > 0)
            {
                supervisor.SetGlobalEnv(values);
            }

            return Task.CompletedTask;
        }).GetAwaiter().GetResult();
    }

    public S.OneShotProcess StartCommand(S.OneShotCommand command)
    {
        try
        {
            return supervisor.StartOneShot(command);
        }
        catch (Exception e) when (e is S.CommandStartException or S.ProcessOperationException)
        {
            throw new ProcessHostException(StatusCode.FailedPrecondition, e.Message);
        }
    }

    public Task ShutdownAsync(TimeSpan grace, CancellationToken cancellationToken) => supervisor.ShutdownAsync(grace, cancellationToken);

    public ValueTask DisposeAsync() => supervisor.DisposeAsync();

    private static async Task Guard(Func<Task> operation) => await Guard(async () =>
    {
        await operation();
        return true;
    });

    private static async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (S.SpecValidationException e)
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, e.Message);
        }
        catch (S.ProcessNotFoundException e)
        {
            throw new ProcessHostException(StatusCode.NotFound, e.Message);
        }
        catch (S.ProcessOperationException e)
        {
            throw new ProcessHostException(StatusCode.FailedPrecondition, e.Message);
        }
    }
}
