using System.CommandLine;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class RestartPolicies
{
    private static readonly Dictionary<string, V1.RestartPolicy> ByName = new(StringComparer.Ordinal)
    {
        ["always"] = V1.RestartPolicy.Always,
        ["on-failure"] = V1.RestartPolicy.OnFailure,
        ["never"] = V1.RestartPolicy.Never,
        ["unless-stopped"] = V1.RestartPolicy.UnlessStopped,
        ["on-success"] = V1.RestartPolicy.OnSuccess,
    };

    public static Option<string> Option()
    {
        var option = new Option<string>("--restart") { Description = "Restart policy", DefaultValueFactory = _ => "always" };
        option.AcceptOnlyFromAmong([.. ByName.Keys]);
        return option;
    }

    public static V1.RestartPolicy Parse(string name) => ByName[name];
}
