using RemoteDev.Cli.Commands.Attach;

namespace RemoteDev.Cli.Tests;

/// <summary>Ctrl-P Ctrl-Q at a terminal detaches; every other byte, a lone Ctrl-P included, is forwarded.</summary>
public sealed class DetachKeysTests
{
    [Fact]
    public void Ctrl_p_ctrl_q_detaches_after_forwarding_what_came_before()
    {
        var forward = new List<byte>();

        var detach = new DetachKeys().Feed([(byte)'a', 0x10, 0x11, (byte)'b'], forward);

        Assert.True(detach);
        Assert.Equal([(byte)'a'], forward);
    }

    [Fact]
    public void The_sequence_is_found_across_two_reads()
    {
        var keys = new DetachKeys();
        var forward = new List<byte>();

        keys.Feed([(byte)'a', 0x10], forward);
        var detach = keys.Feed([0x11], forward);

        Assert.True(detach);
        Assert.Equal([(byte)'a'], forward);
    }

    [Fact]
    public void Ctrl_p_followed_by_another_byte_is_forwarded_unchanged()
    {
        var forward = new List<byte>();

        var detach = new DetachKeys().Feed([0x10, (byte)'x', 0x10, 0x10, 0x11], forward);

        Assert.True(detach);
        Assert.Equal([0x10, (byte)'x', 0x10], forward);
    }
}
