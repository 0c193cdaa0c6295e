using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>An attacher that stops reading is cut off with a clear status; the others get every byte.</summary>
public sealed class SlowAttacherTests(SqliteControlPlane cp) : IClassFixture<SqliteControlPlane>
{
    private const long MiB = 1024 * 1024;
    private const long FloodBytes = 40 * MiB;

    [Fact]
    public async Task Attacher_that_stops_reading_is_cut_off_while_another_receives_everything()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("slow"));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // 1 MiB every 200 ms: a reader keeps up with that even on a loaded machine (it would have to stall for 1.6 s to
        // fall 8 MiB behind); one that never reads passes the control plane's 8 MiB allowance, plus what HTTP/2 flow
        // control lets its connection buffer, well before the flood ends.
        var flood = Specs.Shell("flood", $"i=0; while [ $i -lt {FloodBytes / MiB} ]; do yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c {MiB}; sleep 0.2; i=$((i+1)); done; sleep 600");
        flood.OutputBufferBytes = 64 * 1024 * 1024;
        await cp.Admin.Processes.AddAsync(new AddProcessRequest { SandboxId = sandbox.Id, Spec = flood });

        using var slow = await OpenAsync(sandbox.Id, cts.Token);
        using var fast = await OpenAsync(sandbox.Id, cts.Token);
        long received = 0;
        while (received < FloodBytes && await fast.ResponseStream.MoveNext(cts.Token))
        {
            received += fast.ResponseStream.Current.Output?.Data.Length ?? 0;
        }

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await slow.ResponseStream.MoveNext(cts.Token))
            {
            }
        });
        Assert.Equal(FloodBytes, received);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("attacher too slow", error.Status.Detail, StringComparison.Ordinal);
    }

    private async Task<AsyncDuplexStreamingCall<AttachRequest, AttachResponse>> OpenAsync(string sandboxId, CancellationToken cancellationToken)
    {
        var attach = cp.Admin.Processes.Attach(cancellationToken: cancellationToken);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = sandboxId, Process = "flood", Offset = 0 } }, cancellationToken);
        return attach;
    }
}
