using Google.Protobuf;
using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>Input through attach that the process can no longer take never breaks the attach.</summary>
public sealed class AttachInputTests(SqliteControlPlane cp) : IClassFixture<SqliteControlPlane>
{
    [Fact]
    public async Task Stdin_sent_after_the_process_exited_is_dropped_and_the_attach_ends_cleanly_on_detach()
    {
        var once = Specs.Cat("once");
        once.RestartPolicy = RestartPolicy.Never;
        once.Required = false;
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("attach-input", once));
        await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Ready);
        using var cts = new CancellationTokenSource(Waits.Generous);
        using var attach = cp.Admin.Processes.Attach(cancellationToken: cts.Token);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = created.Id, Process = "once", Offset = 0 } });

        await attach.RequestStream.WriteAsync(new AttachRequest { CloseStdin = true });
        await ReadUntilExitedAsync(attach.ResponseStream, cts.Token);
        await attach.RequestStream.WriteAsync(new AttachRequest { Stdin = ByteString.CopyFromUtf8("too late\n") });
        await attach.RequestStream.WriteAsync(new AttachRequest { Detach = true });
        await foreach (var _ in attach.ResponseStream.ReadAllAsync(cts.Token))
        {
        }

        Assert.Equal(StatusCode.OK, attach.GetStatus().StatusCode);
    }

    private static async Task ReadUntilExitedAsync(IAsyncStreamReader<AttachResponse> responses, CancellationToken token)
    {
        while (await responses.MoveNext(token) && responses.Current.Event?.State != ProcessState.Exited)
        {
        }
    }
}
