using System.Text;
using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>
/// An exec's reader sets its pace, as through a local pipe: a slow one slows the command down and still gets every byte
/// and the exit, while the other processes of the sandbox keep streaming.
/// </summary>
public sealed class ExecFlowControlTests(SqliteControlPlane cp) : IClassFixture<SqliteControlPlane>, IAsyncLifetime
{
    private const long MiB = 1024 * 1024;

    // `seq 1 8500000` writes about 64 MiB: twice what the control plane could hold for a reader before flow control.
    private const int LastLine = 8_500_000;

    private static readonly TimeSpan ReaderPause = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PausePerMiB = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan TestBound = TimeSpan.FromMinutes(3);
    private static readonly Lazy<(long Length, string Sha256)> Expected = new(() => SeqOutput.Expected(LastLine));

    private string _id = "";

    public async Task InitializeAsync()
    {
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("exec-flow", Specs.Shell("ticker", "i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.1; done")));
        _id = created.Id;
        await Waits.PhaseAsync(cp.Admin, _id, SandboxPhase.Ready);
    }

    public Task DisposeAsync() => cp.Admin.Sandboxes.DeleteAsync(new DeleteSandboxRequest { Id = _id }).ResponseAsync;

    [Fact]
    public async Task Exec_whose_reader_pauses_then_reads_slowly_delivers_every_byte_then_the_exit()
    {
        using var bound = new CancellationTokenSource(TestBound);
        using var exec = StartSeq(bound.Token);
        var output = new SeqOutput();

        await Task.Delay(ReaderPause, bound.Token);
        var exit = await ReadSlowlyAsync(exec.ResponseStream, output, bound.Token);

        Assert.Equal(Expected.Value, output.Result());
        Assert.Equal(new ExecExit { ExitCode = 0 }, exit);
    }

    [Fact]
    public async Task While_an_exec_waits_for_its_reader_another_process_of_the_sandbox_keeps_streaming()
    {
        using var bound = new CancellationTokenSource(TestBound);
        using var exec = StartSeq(bound.Token);
        var output = new SeqOutput();
        Assert.True(await exec.ResponseStream.MoveNext(bound.Token));
        output.Add(exec.ResponseStream.Current.Output.Data.Span);

        using var ticker = cp.Admin.Processes.Logs(
            new LogsRequest { SandboxId = _id, Process = "ticker", TailBytes = 0, Follow = true },
            deadline: DateTime.UtcNow + TestBound,
            cancellationToken: bound.Token);
        var ticks = await TicksAsync(ticker.ResponseStream, 30, bound.Token);
        var exit = await ReadSlowlyAsync(exec.ResponseStream, output, bound.Token);

        Assert.Equal(30, ticks);
        Assert.Equal(Expected.Value, output.Result());
        Assert.Equal(new ExecExit { ExitCode = 0 }, exit);
    }

    private AsyncServerStreamingCall<ExecResponse> StartSeq(CancellationToken cancellationToken)
    {
        var command = new ExecCommand { Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TestBound) };
        command.Command.Add(["seq", "1", LastLine.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return cp.Admin.Processes.Exec(new ExecRequest { SandboxId = _id, Command = command }, deadline: DateTime.UtcNow + TestBound, cancellationToken: cancellationToken);
    }

    /// <summary>Reads the exec to its end, pausing after every MiB; returns its exit.</summary>
    private static async Task<ExecExit?> ReadSlowlyAsync(IAsyncStreamReader<ExecResponse> stream, SeqOutput output, CancellationToken cancellationToken)
    {
        ExecExit? exit = null;
        var nextPause = output.Length + MiB;
        while (await stream.MoveNext(cancellationToken))
        {
            if (stream.Current.Output is { } chunk)
            {
                Assert.Equal(StreamKind.Stdout, chunk.Kind);
                output.Add(chunk.Data.Span);
            }

            exit = stream.Current.Exit ?? exit;
            if (output.Length >= nextPause)
            {
                nextPause += MiB;
                await Task.Delay(PausePerMiB, cancellationToken);
            }
        }

        return exit;
    }

    /// <summary>Follows the ticker until it printed <paramref name="count"/> new lines; returns how many it saw.</summary>
    private static async Task<int> TicksAsync(IAsyncStreamReader<LogsResponse> stream, int count, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var ticks = 0;
        while (ticks < count && await stream.MoveNext(cancellationToken))
        {
            text.Append(stream.Current.Output?.Data.ToStringUtf8());
            ticks = text.ToString().Split('\n').Count(line => line.StartsWith("tick-", StringComparison.Ordinal));
        }

        return ticks;
    }
}
