using RemoteDev.Supervisor.Native;
using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class SpawnEnvironmentTests
{
    [Fact]
    public async Task A_child_sees_PWD_naming_its_own_working_directory()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var cwd = Directory.CreateDirectory(Path.Combine(h.Root, "project")).FullName;
        var spec = SupervisorHarness.Shell("p", "echo \"pwd=$PWD\"; sleep 1000") with { Cwd = cwd };

        await h.AddAsync(spec);

        Assert.Contains($"pwd={cwd}\n", await h.ReadOutputUntilAsync("p", $"pwd={cwd}\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_does_not_inherit_descriptors_the_supervisor_holds_without_close_on_exec()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var (read, write) = PipeWithoutCloseOnExec();
        try
        {
            await h.AddAsync(SupervisorHarness.Shell("p", $"if [ -e /proc/self/fd/{write} ]; then echo inherited; else echo closed; fi; sleep 1000"));

            var output = await h.ReadOutputUntilAsync("p", "\n");

            Assert.Equal("closed\n", output);
        }
        finally
        {
            Libc.close(read);
            Libc.close(write);
        }
    }

    private static unsafe (int Read, int Write) PipeWithoutCloseOnExec()
    {
        var fds = stackalloc int[2];
        Assert.Equal(0, Libc.pipe2(fds, 0));
        return (fds[0], fds[1]);
    }
}
