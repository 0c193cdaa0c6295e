using System.Diagnostics;
using RemoteDev.ControlPlane.Tests.Harness;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>A grpcio client that knows nothing but the server's reflection service drives the API.</summary>
public sealed class PythonReflectionClientTests(SqliteControlPlane cp) : IClassFixture<SqliteControlPlane>
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Python_grpcio_client_creates_a_sandbox_and_execs_through_reflection_only()
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Python", "reflection_client.py"));
        start.ArgumentList.Add($"127.0.0.1:{cp.Config.GrpcPort}");
        start.ArgumentList.Add(cp.Host.AdminToken);
        using var python = Process.Start(start)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(ScriptTimeout);

        await python.WaitForExitAsync(cts.Token);

        Assert.True(python.ExitCode == 0, await stderr);
        Assert.StartsWith("python-client-ok ", await stdout, StringComparison.Ordinal);
    }
}
