using Google.Protobuf;
using Grpc.Core;
using RemoteDev.ControlPlane.Gateway;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Units;

public sealed class ExecOutputStreamTests
{
    private const string Id = "cmd-1";
    private const int Chunk = 32 * 1024;

    private readonly List<ExecCredit> _credits = [];

    [Fact]
    public async Task Output_the_reader_took_is_credited_back_in_batches_of_half_the_window()
    {
        var stream = new ExecOutputStream(Id, Record);
        for (var i = 0; i < ExecOutputStream.Window / Chunk; i++)
        {
            Assert.True(stream.TryWrite(Output(Chunk)));
        }

        await using var reader = stream.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
        for (var i = 0; i < ExecOutputStream.Window / Chunk; i++)
        {
            Assert.True(await reader.MoveNextAsync());
        }

        var next = reader.MoveNextAsync();

        Assert.Equal([Credit(ExecOutputStream.Window / 2), Credit(ExecOutputStream.Window / 2)], _credits);
        stream.Complete();
        Assert.False(await next);
    }

    [Fact]
    public async Task Output_credited_back_makes_room_for_as_much_more()
    {
        var stream = new ExecOutputStream(Id, Record);
        Assert.True(stream.TryWrite(Output(ExecOutputStream.Window)));
        await using var reader = stream.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());

        var next = reader.MoveNextAsync();

        Assert.True(stream.TryWrite(Output(ExecOutputStream.Window)));
        Assert.True(await next);
    }

    [Fact]
    public async Task Agent_that_overruns_the_window_fails_the_exec_internal_and_the_reader_learns_it_after_the_window()
    {
        var pending = new PendingCommands();
        var registered = pending.Register(Id, new ExecOutputStream(Id, Record));
        for (var i = 0; i < ExecOutputStream.Window / Chunk; i++)
        {
            Assert.True(pending.Output(Output(Chunk)));
        }

        Assert.False(pending.Output(Output(1)));

        var read = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var output in registered.Output!.ReadAllAsync(CancellationToken.None))
            {
                read += output.Data.Length;
            }
        });
        Assert.Equal(ExecOutputStream.Window, read);
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("protocol error: the agent sent more exec output than the 1048576 bytes of its window", error.Status.Detail);
        Assert.Equal(StatusCode.Internal, (await Assert.ThrowsAsync<RpcException>(() => registered.Result.Task)).StatusCode);
    }

    private ValueTask Record(ControlMessage message, CancellationToken cancellationToken)
    {
        _credits.Add(message.ExecCredit);
        return ValueTask.CompletedTask;
    }

    private static ExecCredit Credit(int bytes) => new() { CommandId = Id, Bytes = (uint)bytes };

    private static ExecOutput Output(int bytes) => new() { CommandId = Id, Kind = StreamKind.Stdout, Data = ByteString.CopyFrom(new byte[bytes]) };
}
