using Microsoft.Extensions.Hosting;
using RemoteDev.ControlPlane.Drivers;
using RemoteDev.ControlPlane.Reconcile;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Hosting;

/// <summary>
/// --demo (scripts/run): makes sure a sandbox "demo" runs a ticking process and a shell, so a new user can list,
/// attach and exec at once, as soon as the reconciler recovered; on shutdown it stops the demo's agents too (their
/// desired state stays).
/// </summary>
internal sealed class DemoSandbox(ISandboxStore store, ReconcilerHost reconciler, ISandboxDriver driver, ControlPlaneOptions options) : BackgroundService
{
    private const string Project = "demo";
    private const string Name = "demo";
    private const int PageSize = 50;

    private string? _id;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await reconciler.Started.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        var page = await store.ListAsync(new SandboxQuery(Project, new Dictionary<string, string>(), PageSize, null), stoppingToken);
        var existing = page.Sandboxes.FirstOrDefault(s => s.Name == Name && !s.Deleted);
        if (existing is { Status.Phase: SandboxPhase.Failed })
        {
            // A failed sandbox stays failed; the demo is there to be used, so a new one takes its place.
            Console.WriteLine($"remotedev-control-plane: the demo sandbox {existing.Id} had failed ({existing.Status.Reason}); deleting it and creating a new one");
            await store.MarkDeletedAsync(existing.Id, stoppingToken);
            reconciler.Enqueue(existing.Id);
            existing = null;
        }

        var sandbox = existing ?? await store.CreateAsync(new NewSandbox(Name, Project, new Dictionary<string, string> { ["demo"] = "true" }, Spec()), stoppingToken);
        _id = sandbox.Id;
        reconciler.Enqueue(sandbox.Id);
        Console.WriteLine($"""
            remotedev-control-plane: demo sandbox {sandbox.Id} (project "{Project}") runs "ticker" (a line per second) and "shell" (bash on a PTY). Try:
              cli/bin/Release/net10.0/rdev ps {sandbox.Id}
              cli/bin/Release/net10.0/rdev attach {sandbox.Id} ticker --tail 200     (Ctrl-P Ctrl-Q detaches)
              cli/bin/Release/net10.0/rdev attach {sandbox.Id} shell
              cli/bin/Release/net10.0/rdev exec {sandbox.Id} -- uname -a
            """);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_id is not null)
        {
            await driver.StopAsync(_id, options.StopGrace, cancellationToken);
        }
    }

    private static SandboxSpec Spec()
    {
        var spec = new SandboxSpec { Driver = "process" };
        var ticker = new ProcessSpec { Name = "ticker", Command = "/bin/sh", Required = true };
        ticker.Args.Add(["-c", "i=0; while :; do i=$((i+1)); echo \"tick $i $(date +%T)\"; sleep 1; done"]);
        // An interactive bash ignores SIGTERM; a hangup ends it as closing its terminal would.
        var shell = new ProcessSpec { Name = "shell", Command = "/bin/bash", Terminal = new TerminalSize { Rows = 24, Cols = 80 }, StopSignal = "SIGHUP" };
        spec.Processes.Add([ticker, shell]);
        return spec;
    }
}
