using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>Process and sandbox specs the tests run.</summary>
internal static class Specs
{
    public static ProcessSpec Shell(string name, string script, RestartPolicy restart = RestartPolicy.Always)
    {
        // Long-running processes are required, so READY means they run; one-shot ones are not.
        var spec = new ProcessSpec { Name = name, Command = "/bin/sh", RestartPolicy = restart, Required = restart != RestartPolicy.Never };
        spec.Args.Add(["-c", script]);
        return spec;
    }

    public static ProcessSpec Cat(string name) => new() { Name = name, Command = "/bin/cat", StdinOpen = true, Required = true };

    public static ProcessSpec PtyShell(string name) => new() { Name = name, Command = "/bin/sh", Terminal = new TerminalSize { Rows = 24, Cols = 80 }, Required = true };

    public static CreateSandboxRequest Sandbox(string project, params ProcessSpec[] processes)
    {
        var request = new CreateSandboxRequest { Name = "sb-" + Guid.NewGuid().ToString("N")[..10], Project = project, Spec = new SandboxSpec() };
        request.Spec.Processes.Add(processes);
        return request;
    }

    /// <summary>A sandbox running one idle process, FAILED when not READY within <paramref name="timeout"/>.</summary>
    public static CreateSandboxRequest IdleWithReadinessTimeout(string project, TimeSpan timeout)
    {
        var request = Sandbox(project, Shell("idle", "sleep 600"));
        request.Spec.Readiness = new Readiness { Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(timeout) };
        return request;
    }
}
