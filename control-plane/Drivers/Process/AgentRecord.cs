using System.Text.Json;

namespace RemoteDev.ControlPlane.Drivers.Process;

/// <summary>The pid file of one sandbox's agent: enough to find and verify it after a control-plane restart.</summary>
internal sealed record AgentRecord(int Pid, long StartTime, string SandboxId, string Label)
{
    public const string FileName = "agent.json";

    public static AgentRecord? Read(string sandboxDir)
    {
        var path = Path.Combine(sandboxDir, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<AgentRecord>(File.ReadAllBytes(path)) : null;
    }

    /// <summary>Writes atomically (temp file, fsync, rename).</summary>
    public void Write(string sandboxDir)
    {
        var path = Path.Combine(sandboxDir, FileName);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, this);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>True when the pid is alive and is the very agent this record describes (not a reused pid).</summary>
    public bool IsAlive()
    {
        for (var attempt = 0; ; attempt++)
        {
            if (ProcFs.LiveStartTime(Pid) != StartTime)
            {
                return false;
            }

            // This pid with this start time, but not (yet) this environment: a process in the middle of execve (the
            // launch goes sh -> setsid -> agent, all in this pid) shows an empty or partial one. Look again once the
            // exec is done; a reused pid never gets here, its start time differs.
            var env = ProcFs.Environment(Pid);
            var ours = env.GetValueOrDefault(AgentEnvironment.SandboxId) == SandboxId
                && env.GetValueOrDefault(AgentEnvironment.DriverLabel) == Label;
            if (ours || attempt >= MidExecRetries)
            {
                return ours;
            }

            Thread.Sleep(10);
        }
    }

    private const int MidExecRetries = 100;
}
