using System.Diagnostics;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>
/// An agent whose log files are gone when it starts again (a new container or pod; here a stand-in that deletes them
/// before running the real agent) counts its output from 0 again, while the store carries on. Every offset the
/// operator API answers is in the store's offsets, so Logs and Attach from it mean what they say.
/// </summary>
public sealed class OffsetsAcrossAgentEpochsTests : IAsyncLifetime
{
    private const int LineLength = 41; // "run " + a uuid + "\n"

    private StandInAgent? _cp;

    private OperatorClient Admin => _cp!.Admin;

    public async Task InitializeAsync() => _cp = await StandInAgent.StartAsync("rdepoch", _ => $"""
        #!/bin/sh
        rm -rf "$REMOTEDEV_DATA_DIR/state/logs"
        exec {RepoPaths.AgentPath}

        """);

    public async Task DisposeAsync()
    {
        if (_cp is not null)
        {
            await _cp.DisposeAsync();
        }
    }

    [Fact]
    public async Task Process_offsets_and_the_removed_event_are_stored_offsets_after_the_agent_started_over()
    {
        var (sandbox, stored) = await RunOnTwoAgentsAsync(Specs.Sandbox("epoch",
            Specs.Shell("run", "echo \"run $(cat /proc/sys/kernel/random/uuid)\"", RestartPolicy.Never),
            Specs.Shell("idle", "sleep 600")));
        await Waits.ProcessStateAsync(Admin, sandbox.Id, "run", ProcessState.Exited);

        var got = await Admin.Processes.GetAsync(new GetProcessRequest { SandboxId = sandbox.Id, Name = "run" });
        var listed = (await Admin.Processes.ListAsync(new ListProcessesRequest { SandboxId = sandbox.Id })).Processes.Single(p => p.Name == "run");

        Assert.Equal((0UL, (ulong)stored.Length, ""), (got.OutputStart, got.OutputEnd, got.OutputEpoch));
        Assert.Equal((0UL, (ulong)stored.Length, ""), (listed.OutputStart, listed.OutputEnd, listed.OutputEpoch));

        using var attach = Admin.Processes.Attach(deadline: DateTime.UtcNow + Waits.Generous);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = sandbox.Id, Process = "run", Offset = got.OutputEnd } });
        Assert.True(await attach.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ProcessState.Exited, attach.ResponseStream.Current.Event.State); // attached to an ended process
        await Admin.Processes.RemoveAsync(new ProcessRef { SandboxId = sandbox.Id, Name = "run" });
        ProcessEvent? removed = null;
        while (removed is null && await attach.ResponseStream.MoveNext(CancellationToken.None))
        {
            Assert.NotEqual(AttachResponse.MsgOneofCase.Output, attach.ResponseStream.Current.MsgCase);
            if (attach.ResponseStream.Current.Event is { Kind: ProcessEventKind.Removed } e)
            {
                removed = e;
            }
        }

        Assert.NotNull(removed);
        Assert.Equal(((ulong)stored.Length, ""), (removed.OutputEnd, removed.OutputEpoch));
    }

    [Fact]
    public async Task The_event_of_a_run_exit_gives_where_that_run_output_ends_in_stored_offsets_after_the_agent_started_over()
    {
        var (sandbox, stored) = await RunOnTwoAgentsAsync(Specs.Sandbox("epoch-run",
            Specs.Shell("run", "echo \"run $(cat /proc/sys/kernel/random/uuid)\"; exec sleep 600")));

        using var attach = Admin.Processes.Attach(deadline: DateTime.UtcNow + Waits.Generous);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = sandbox.Id, Process = "run", Offset = (ulong)stored.Length } });
        await Admin.Processes.RestartAsync(new RestartProcessRequest { SandboxId = sandbox.Id, Name = "run" });
        ProcessEvent? ended = null;
        while (ended is null && await attach.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (attach.ResponseStream.Current.Event is { HasOutputEnd: true } e)
            {
                ended = e;
            }
        }

        Assert.NotNull(ended);
        Assert.Equal((ProcessState.Stopping, ProcessState.Starting, (ulong)stored.Length, ""), (ended.Previous, ended.State, ended.OutputEnd, ended.OutputEpoch));
    }

    /// <summary>The sandbox's process "run" writes its line under the first agent and again under the second.</summary>
    private async Task<(Sandbox Sandbox, byte[] Stored)> RunOnTwoAgentsAsync(CreateSandboxRequest request)
    {
        var sandbox = await Admin.Sandboxes.CreateAsync(request);
        await Waits.PhaseAsync(Admin, sandbox.Id, SandboxPhase.Ready);
        await Waits.UntilAsync(() => OutputReads.StoredAsync(Admin, sandbox.Id, "run"), b => b.Length == LineLength, "the first run stored");
        var first = AgentProbe.AgentPid(_cp!.Host.Config, sandbox.Id);
        Process.GetProcessById(first).Kill();
        await AgentProbe.NewAgentAsync(_cp.Host.Config, sandbox.Id, first);
        var stored = await Waits.UntilAsync(() => OutputReads.StoredAsync(Admin, sandbox.Id, "run"), b => b.Length == 2 * LineLength, "the second run stored");
        return (sandbox, stored);
    }
}
