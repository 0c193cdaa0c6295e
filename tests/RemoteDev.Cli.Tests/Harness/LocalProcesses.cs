using System.Text;

namespace RemoteDev.Cli.Tests.Harness;

/// <summary>The process driver runs sandboxes on this machine: what they run shows in /proc.</summary>
internal static class LocalProcesses
{
    private static readonly TimeSpan GoneTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Waits until no process has <paramref name="argument"/> on its command line; false if one still does.</summary>
    public static async Task<bool> GoneAsync(string argument)
    {
        using var timeout = new CancellationTokenSource(GoneTimeout);
        while (Running(argument))
        {
            if (timeout.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private static bool Running(string argument) =>
        Directory.EnumerateDirectories("/proc").Any(dir => int.TryParse(Path.GetFileName(dir), out _) && CommandLine(dir).Contains(argument));

    private static string[] CommandLine(string procDir)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(procDir, "cmdline"))).Split('\0');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return []; // The process exited while we looked.
        }
    }
}
