using System.Diagnostics;

namespace RemoteDev.Agent.Tests.Image;

/// <summary>The docker CLI against the machine's dockerd (scripts/docker-up starts it and builds the base image).</summary>
internal static class DockerCli
{
    public static async Task<string> RunAsync(TimeSpan timeout, params string[] args)
    {
        var (code, stdout, stderr) = await TryRunAsync(timeout, args);
        return code == 0
            ? stdout
            : throw new InvalidOperationException($"docker {string.Join(' ', args)} exited {code}:\n{stderr}\n{stdout}");
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> TryRunAsync(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var docker = Process.Start(info)!;
        var stdout = docker.StandardOutput.ReadToEndAsync();
        var stderr = docker.StandardError.ReadToEndAsync();
        try
        {
            await docker.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            docker.Kill(entireProcessTree: true);
            throw new TimeoutException($"docker {string.Join(' ', args)} took longer than {timeout.TotalSeconds} s");
        }

        return (docker.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }
}
