using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>Waiting for conditions through the API's own change streams, with generous timeouts.</summary>
internal static class Waits
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    /// <summary>Watches the sandbox until it reaches <paramref name="phase"/>; returns that state.</summary>
    public static async Task<Sandbox> PhaseAsync(OperatorClient client, string id, SandboxPhase phase)
    {
        using var cts = new CancellationTokenSource(Generous);
        using var watch = client.Sandboxes.Watch(new WatchSandboxesRequest { Id = id }, deadline: DateTime.UtcNow + Generous);
        Sandbox? last = null;
        try
        {
            await foreach (var change in watch.ResponseStream.ReadAllAsync(cts.Token))
            {
                last = change.Sandbox;
                if (last.Status.Phase == phase)
                {
                    return last;
                }
            }
        }
        catch (RpcException error) when (error.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled)
        {
        }

        throw new TimeoutException($"sandbox {id} did not reach {phase}; last: {last}");
    }

    /// <summary>Follows the process's events (via attach) until it is in <paramref name="state"/>.</summary>
    public static async Task ProcessStateAsync(OperatorClient client, string sandboxId, string process, ProcessState state)
    {
        using var cts = new CancellationTokenSource(Generous);
        using var attach = client.Processes.Attach(cancellationToken: cts.Token);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = sandboxId, Process = process, TailBytes = 0 } });
        var current = await client.Processes.GetAsync(new GetProcessRequest { SandboxId = sandboxId, Name = process });
        if (current.State == state)
        {
            return;
        }

        await foreach (var message in attach.ResponseStream.ReadAllAsync(cts.Token))
        {
            if (message.Event?.State == state)
            {
                return;
            }
        }
    }

    /// <summary>Polls the sandbox until it is READY with its agent connected, or FAILED; returns it.</summary>
    public static Task<Sandbox> ReadyOrFailedAsync(OperatorClient client, string id) => UntilAsync(
        () => client.Sandboxes.GetAsync(new GetSandboxRequest { Id = id }).ResponseAsync,
        s => s.Status is { Phase: SandboxPhase.Ready, AgentConnected: true } or { Phase: SandboxPhase.Failed },
        "ready with a connected agent, or failed");

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        using var cts = new CancellationTokenSource(Generous);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"{what}; last: {value}");
            }

            await Task.Delay(delay, CancellationToken.None);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }
}
