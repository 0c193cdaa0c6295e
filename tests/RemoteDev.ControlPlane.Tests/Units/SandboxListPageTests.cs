using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RemoteDev.ControlPlane.Api;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Units;

public sealed class SandboxListPageTests
{
    private static readonly SandboxViews Views = new(new ObservedState());

    [Fact]
    public void The_largest_sandbox_the_spec_limits_admit_fits_the_page_budget()
    {
        var spec = SpecOf(SpecLimits.MaxSpecBytes);
        var labels = LabelsOfManyShortKeys();
        SpecLimits.RequireSpec(spec, "spec");
        SpecLimits.RequireLabels(labels, "labels");

        var answered = Views.ToProto(Record("sbx-largest", spec, StatusRunning(spec.Processes[0]), labels));

        Assert.InRange(EntryBytes(answered), 2 * SpecLimits.MaxSpecBytes, SandboxListPage.BudgetBytes);
    }

    [Fact]
    public void A_page_cut_by_bytes_continues_right_after_its_last_answered_sandbox()
    {
        var records = Enumerable.Range(0, 4).Select(i => Record($"sbx-{i}", SpecOf(1200 * 1024), new SandboxStatus(), new Dictionary<string, string>())).ToList();
        var page = new SandboxPage(records, ["after-0", "after-1", "after-2", "after-3"], "after-3");

        var answer = SandboxListPage.Answer(page, Views.ToProto);

        Assert.Equal(["sbx-0", "sbx-1"], answer.Sandboxes.Select(s => s.Id));
        Assert.Equal("after-1", answer.NextPageToken);
    }

    [Fact]
    public void A_page_within_the_budget_is_answered_whole_with_the_stores_token()
    {
        var records = Enumerable.Range(0, 3).Select(i => Record($"sbx-{i}", SpecOf(1024), new SandboxStatus(), new Dictionary<string, string>())).ToList();
        var page = new SandboxPage(records, ["after-0", "after-1", "after-2"], null);

        var answer = SandboxListPage.Answer(page, Views.ToProto);

        Assert.Equal(["sbx-0", "sbx-1", "sbx-2"], answer.Sandboxes.Select(s => s.Id));
        Assert.Equal("", answer.NextPageToken);
    }

    private static int EntryBytes(Sandbox sandbox) =>
        CodedOutputStream.ComputeTagSize(ListSandboxesResponse.SandboxesFieldNumber) + CodedOutputStream.ComputeMessageSize(sandbox);

    /// <summary>One process whose argument fills the spec to a few bytes under <paramref name="bytes"/>, as stored and as answered.</summary>
    private static SandboxSpec SpecOf(int bytes)
    {
        var process = new ProcessSpec { Name = new string('p', 63), Command = "/bin/sh", Args = { "" }, Env = { ["TOKEN"] = "secret" } };
        var spec = new SandboxSpec { Driver = "process", Processes = { process } };
        process.Args[0] = new string('a', bytes - spec.CalculateSize() - 8);
        return spec;
    }

    /// <summary>The label cap spent on 4-byte keys with empty values: the most encoding overhead per byte counted.</summary>
    private static Dictionary<string, string> LabelsOfManyShortKeys() =>
        Enumerable.Range(0, SpecLimits.MaxLabelBytes / 4).ToDictionary(i => i.ToString("x4", CultureInfo.InvariantCulture), _ => "");

    private static SandboxStatus StatusRunning(ProcessSpec process) => new()
    {
        Phase = SandboxPhase.Ready,
        Reason = new string('r', 1024),
        PhaseSince = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
        Processes =
        {
            new ProcessStatus
            {
                Name = process.Name,
                State = ProcessState.Running,
                Health = HealthStatus.Healthy,
                Pid = int.MaxValue,
                RestartCount = uint.MaxValue,
                ExitCode = -1,
                Signal = "SIGKILL",
                Reason = new string('r', 1024),
                Since = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
                StartedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
                Spec = process,
                OutputStart = ulong.MaxValue,
                OutputEnd = ulong.MaxValue,
            },
        },
    };

    private static SandboxRecord Record(string id, SandboxSpec spec, SandboxStatus status, IReadOnlyDictionary<string, string> labels) => new(
        Id: id,
        Name: new string('n', 63),
        Project: new string('p', 63),
        Labels: labels,
        Spec: spec,
        Generation: long.MaxValue,
        Deleted: false,
        Status: status,
        Revision: long.MaxValue,
        CreatedRevision: long.MaxValue,
        CreatedAt: DateTimeOffset.UnixEpoch,
        EndedAt: null);
}
