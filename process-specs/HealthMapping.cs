using S = RemoteDev.Supervisor;
using V1 = RemoteDev.V1;

namespace RemoteDev.ProcessSpecs;

internal static class HealthMapping
{
    public static S.HealthCheckSpec? ToSupervisor(V1.HealthCheck check, List<string> problems)
    {
        S.HealthProbe? probe = check.ProbeCase switch
        {
            V1.HealthCheck.ProbeOneofCase.Tcp => new S.TcpProbe(Host(check.Tcp.Host), Port(check.Tcp.Port, "tcp", problems)),
            V1.HealthCheck.ProbeOneofCase.Http => new S.HttpProbe(Host(check.Http.Host), Port(check.Http.Port, "http", problems), check.Http.Path.Length == 0 ? "/" : check.Http.Path),
            V1.HealthCheck.ProbeOneofCase.Exec => new S.ExecProbe([.. check.Exec.Command]),
            V1.HealthCheck.ProbeOneofCase.Log => new S.LogProbe(check.Log.Pattern),
            _ => SpecMapping.Problem<S.HealthProbe?>(problems, "health_check needs a tcp, http, exec or log probe", null),
        };
        return probe is null
            ? null
            : new S.HealthCheckSpec
            {
                Probe = probe,
                Interval = SpecMapping.Time(check.Interval, "health_check.interval", problems),
                Timeout = SpecMapping.Time(check.Timeout, "health_check.timeout", problems),
                FailureThreshold = check.FailureThreshold,
                InitialDelay = SpecMapping.Time(check.InitialDelay, "health_check.initial_delay", problems),
            };
    }

    private static string? Host(string host) => host.Length == 0 ? null : host;

    private static int Port(uint port, string probe, List<string> problems) =>
        port is > 0 and <= 65535 ? (int)port : SpecMapping.Problem(problems, $"health_check.{probe}.port must be 1..65535", 0);
}
