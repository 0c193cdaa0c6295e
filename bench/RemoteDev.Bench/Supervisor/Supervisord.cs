using System.Diagnostics;
using System.Text;

namespace RemoteDev.Bench.Supervisor;

/// <summary>Debian's supervisord over a generated config in a temp folder (startsecs=0 so RUNNING is immediate).</summary>
internal sealed class Supervisord : IAsyncDisposable
{
    private readonly Process _process;

    private Supervisord(string directory, Process process)
    {
        Directory = directory;
        _process = process;
    }

    public string Directory { get; }

    public int Pid => _process.Id;

    public static Supervisord Start(IEnumerable<(string Name, string Command, bool AutoRestart)> programs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "bench-supervisord-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var config = new StringBuilder($"""
            [supervisord]
            nodaemon=true
            logfile={directory}/supervisord.log
            pidfile={directory}/supervisord.pid
            [unix_http_server]
            file={directory}/supervisor.sock
            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
            [supervisorctl]
            serverurl=unix://{directory}/supervisor.sock

            """);
        foreach (var (name, command, autoRestart) in programs)
        {
            config.Append($"""
                [program:{name}]
                command={command}
                startsecs=0
                startretries=1000
                autorestart={(autoRestart ? "true" : "false")}
                stdout_logfile={directory}/{name}.log
                stdout_logfile_maxbytes=0
                stderr_logfile={directory}/{name}.err
                stderr_logfile_maxbytes=0

                """);
        }

        var path = Path.Combine(directory, "supervisord.conf");
        File.WriteAllText(path, config.ToString());
        var process = Process.Start(new ProcessStartInfo("/usr/bin/supervisord", ["-c", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Supervisord(directory, process);
    }

    /// <summary>SIGTERM: supervisord stops its programs, then exits.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var kill = Process.Start("/bin/kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
