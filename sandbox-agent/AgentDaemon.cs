using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Commands;
using RemoteDev.Agent.Configuration;
using RemoteDev.Agent.Control;
using RemoteDev.Agent.Desired;
using RemoteDev.Agent.Files;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Lifecycle;
using RemoteDev.Agent.Link;
using RemoteDev.Agent.Native;
using RemoteDev.Agent.Resources;
using RemoteDev.V1;

namespace RemoteDev.Agent;

/// <summary>
/// The daemon: hosts the supervisor, runs the link, the reconciler and the ctl socket, starts the initial
/// processes, and on SIGTERM (or a shutdown command) reports SHUTTING_DOWN, stops everything, reports OFF, exits 0.
/// </summary>
internal sealed class AgentDaemon(AgentOptions options, ILoggerFactory loggerFactory, ILogger logger) : IShutdownTrigger
{
    private readonly TaskCompletionSource<(TimeSpan Grace, string Reason)> _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Request(TimeSpan? grace, string reason) => _shutdown.TrySetResult((grace ?? AgentTimings.DefaultShutdownGrace, reason));

    public async Task<int> RunAsync()
    {
        AgentLog.Starting(logger, AgentVersion.Value, options.SandboxId);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        ProtectFromOom();
        foreach (var dir in new[] { options.DataDir, options.LogDir, options.EnvDir, options.StateDir, options.WorkspaceDir })
        {
            Directory.CreateDirectory(dir);
        }

        var time = TimeProvider.System;
        var (initial, fileProblem) = LoadProcessFile();
        var firstStart = !File.Exists(options.GlobalEnvFile);
        SupervisorProcessHost host;
        try
        {
            host = await SupervisorProcessHost.StartAsync(options, loggerFactory, time);
        }
        catch (RemoteDev.Supervisor.SupervisorStartException e)
        {
            AgentLog.CannotStart(logger, e.Message);
            return 1;
        }

        await using var hostLifetime = host;
        if (firstStart && options.InitialEnv.Count > 0)
        {
            host.SetEnv(options.InitialEnv);
        }
        var lifecycle = new LifecycleTracker(time);
        var reconciler = new Reconciler(host, initial, logger);
        var journal = new UploadJournal(Path.Combine(options.StateDir, "uploads"), logger);
        journal.DeleteAbandoned();
        using var uploads = new Uploads(time, journal, logger);
        var commands = new CommandDispatcher(new CommandHandlers(host, new ExecRunner(options.WorkspaceDir, host, logger), new FileCommands(uploads), this), logger);
        var cgroup = new CgroupReader("/sys/fs/cgroup", () => SumOfProcesses(host));
        AgentLog.Cgroup(logger, cgroup.Version.ToString());
        var progress = new StreamProgress();
        var services = new LinkServices(options, host, lifecycle, reconciler, commands, new UsageSampler(host, cgroup, time), progress, time, logger);
        using var channel = LinkChannel.Create(options.ControlPlaneUrl);
        var link = new AgentLink(services, channel.CreateCallInvoker());
        var ctl = new CtlServer(options.CtlSocketPath, new CtlHandler(services, link), logger);

        // The link dials from the thread pool: its first call (the HTTP stack's start, some 100 ms of a cold runtime)
        // must not hold back the initial processes, whose states the hello's snapshot carries whenever it is sent.
        using var stop = new CancellationTokenSource();
        var background = new[] { Task.Run(() => link.RunAsync(stop.Token)), reconciler.RunAsync(stop.Token), ctl.RunAsync(stop.Token) }
            .Select(t => Guard(t)).ToList();

        async Task Report(AgentLifecycle state, string reason)
        {
            if (lifecycle.TrySet(state, reason) is { } report)
            {
                await link.ReportAsync(report, CancellationToken.None);
            }
        }

        var startup = StartAsync(host, reconciler, initial, fileProblem, Report, stop.Token);
        var (grace, why) = await _shutdown.Task;
        AgentLog.ShuttingDown(logger, why, grace.TotalMilliseconds);
        await Report(AgentLifecycle.ShuttingDown, $"{why}; stopping processes within {grace.TotalSeconds:0.###} s");
        await host.ShutdownAsync(grace, CancellationToken.None);
        using (var drain = new CancellationTokenSource(AgentTimings.CommandDrainTimeout))
        {
            await commands.DrainAsync(drain.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        await Report(AgentLifecycle.Off, why);
        await link.CloseAsync();
        await stop.CancelAsync();
        await Task.WhenAll(background.Append(startup));
        AgentLog.Stopped(logger);
        return 0;
    }

    private async Task StartAsync(IProcessHost host, Reconciler reconciler, IReadOnlyList<ProcessSpec> initial, string? fileProblem, Func<AgentLifecycle, string, Task> report, CancellationToken cancellationToken)
    {
        await report(AgentLifecycle.Starting, "starting initial processes");
        if (fileProblem is not null)
        {
            await report(AgentLifecycle.StartError, fileProblem);
            return;
        }

        try
        {
            await reconciler.InitialApplied.WaitAsync(cancellationToken);
        }
        catch (ProcessHostException e)
        {
            AgentLog.InitialProcessesFailed(logger, e.Code.ToString(), e.Message);
            await report(AgentLifecycle.StartError, $"initial processes: {e.Message}");
            return;
        }

        var required = initial.Where(s => s.Required).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        await Guard(new ReadinessWatcher(host, required).RunAsync(report, cancellationToken));
    }

    private (IReadOnlyList<ProcessSpec> Specs, string? Problem) LoadProcessFile()
    {
        if (options.ProcessFile is null)
        {
            return ([], null);
        }

        try
        {
            return (ProcessFile.Load(options.ProcessFile), null);
        }
        catch (AgentConfigurationException e)
        {
            AgentLog.ProcessFileInvalid(logger, e.Message);
            return ([], e.Message);
        }
    }

    private void ProtectFromOom()
    {
        if (OomScore.TrySetSelf() is { } problem)
        {
            AgentLog.OomNotProtected(logger, problem, OomScore.Child);
        }
        else
        {
            AgentLog.OomProtected(logger, OomScore.Agent, OomScore.Child);
        }
    }

    private static (ulong CpuUsec, ulong Memory) SumOfProcesses(IProcessHost host)
    {
        ulong cpu = 0, memory = 0;
        foreach (var sample in host.List([]).Select(p => host.Usage(p.Name)).Append(ProcStat.Read(Environment.ProcessId) is { } self ? (self.CpuUsec, self.RssBytes) : null))
        {
            cpu += sample?.CpuUsec ?? 0;
            memory += sample?.MemoryBytes ?? 0;
        }

        return (cpu, memory);
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Request(null, context.Signal.ToString());
    }

    private async Task Guard(Task loop)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            AgentLog.LoopFailed(logger, e);
        }
    }
}
