using System.Reflection;

namespace RemoteDev.Agent;

internal static class AgentVersion
{
    public static readonly string Value =
        typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
