namespace RemoteDev.Supervisor.Specs;

/// <summary>Enum values as strings at the JSON boundary: proto names out; proto or short names in.</summary>
internal static class EnumNames
{
    private static readonly Dictionary<string, RestartPolicy> Policies = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RESTART_POLICY_UNSPECIFIED"] = RestartPolicy.Always,
        ["RESTART_POLICY_ALWAYS"] = RestartPolicy.Always,
        ["RESTART_POLICY_ON_FAILURE"] = RestartPolicy.OnFailure,
        ["RESTART_POLICY_NEVER"] = RestartPolicy.Never,
        ["RESTART_POLICY_UNLESS_STOPPED"] = RestartPolicy.UnlessStopped,
        ["RESTART_POLICY_ON_SUCCESS"] = RestartPolicy.OnSuccess,
        ["always"] = RestartPolicy.Always,
        ["on-failure"] = RestartPolicy.OnFailure,
        ["never"] = RestartPolicy.Never,
        ["unless-stopped"] = RestartPolicy.UnlessStopped,
        ["on-success"] = RestartPolicy.OnSuccess,
    };

    private static readonly Dictionary<string, DependencyCondition> Conditions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["DEPENDENCY_CONDITION_UNSPECIFIED"] = DependencyCondition.Started,
        ["DEPENDENCY_CONDITION_STARTED"] = DependencyCondition.Started,
        ["DEPENDENCY_CONDITION_HEALTHY"] = DependencyCondition.Healthy,
        ["DEPENDENCY_CONDITION_COMPLETED"] = DependencyCondition.Completed,
        ["started"] = DependencyCondition.Started,
        ["healthy"] = DependencyCondition.Healthy,
        ["completed"] = DependencyCondition.Completed,
    };

    private static readonly Dictionary<string, DesiredState> Desired = new(StringComparer.OrdinalIgnoreCase)
    {
        ["DESIRED_PROCESS_STATE_UNSPECIFIED"] = DesiredState.Running,
        ["DESIRED_PROCESS_STATE_RUNNING"] = DesiredState.Running,
        ["DESIRED_PROCESS_STATE_STOPPED"] = DesiredState.Stopped,
        ["running"] = DesiredState.Running,
        ["stopped"] = DesiredState.Stopped,
    };

    public static bool TryPolicy(string text, out RestartPolicy policy) => Policies.TryGetValue(text, out policy);

    public static bool TryCondition(string text, out DependencyCondition condition) => Conditions.TryGetValue(text, out condition);

    public static bool TryDesired(string text, out DesiredState state) => Desired.TryGetValue(text, out state);

    public static string Policy(RestartPolicy policy) => policy switch
    {
        RestartPolicy.Always => "RESTART_POLICY_ALWAYS",
        RestartPolicy.OnFailure => "RESTART_POLICY_ON_FAILURE",
        RestartPolicy.Never => "RESTART_POLICY_NEVER",
        RestartPolicy.UnlessStopped => "RESTART_POLICY_UNLESS_STOPPED",
        RestartPolicy.OnSuccess => "RESTART_POLICY_ON_SUCCESS",
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    public static string Condition(DependencyCondition condition) => condition switch
    {
        DependencyCondition.Started => "DEPENDENCY_CONDITION_STARTED",
        DependencyCondition.Healthy => "DEPENDENCY_CONDITION_HEALTHY",
        DependencyCondition.Completed => "DEPENDENCY_CONDITION_COMPLETED",
        _ => throw new ArgumentOutOfRangeException(nameof(condition)),
    };
}
