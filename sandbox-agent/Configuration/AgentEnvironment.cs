using System.Collections;

namespace RemoteDev.Agent.Configuration;

/// <summary>
/// Environment variable names of the agent and their validation. Every problem is collected and reported at once.
/// </summary>
internal static class AgentEnvironment
{
    public const string ControlPlaneUrl = "REMOTEDEV_CONTROL_PLANE_URL";
    public const string SandboxId = "REMOTEDEV_SANDBOX_ID";
    public const string AgentToken = "REMOTEDEV_AGENT_TOKEN";
    public const string ProcessFile = "REMOTEDEV_PROCESS_FILE";
    public const string InitialEnvFile = "REMOTEDEV_INITIAL_ENV_FILE";
    public const string DataDir = "REMOTEDEV_DATA_DIR";
    public const string LogDir = "REMOTEDEV_LOG_DIR";
    public const string CtlSocket = "REMOTEDEV_CTL_SOCKET";
    public const string WorkspaceDir = "REMOTEDEV_WORKSPACE_DIR";

    /// <summary>
    /// The agent's own, not passed on to the processes it starts (they inherit its environment otherwise): its
    /// credential, and the GC budget the sandbox image sets for the agent's runtime, which would change any .NET
    /// program run in the sandbox.
    /// </summary>
    public static readonly string[] AgentOnly = [AgentToken, "DOTNET_GCgen0size"];

    public const string DefaultDataDir = "/var/lib/remotedev";
    public const string DefaultLogDir = "/var/log/remotedev";
    public const string DefaultWorkspaceDir = "/workspace";

    /// <summary>The ctl socket path alone, for `remotedev-agent ctl` (which needs nothing else).</summary>
    public static string CtlSocketPath(IDictionary env)
    {
        var dataDir = Get(env, DataDir) ?? DefaultDataDir;
        return Get(env, CtlSocket) ?? Path.Combine(dataDir, "agent.sock");
    }

    public static AgentOptions Load(IDictionary env)
    {
        var problems = new List<string>();
        var url = Get(env, ControlPlaneUrl);
        Uri? parsed = null;
        if (url is null)
        {
            problems.Add($"{ControlPlaneUrl} is required (e.g. http://127.0.0.1:7000)");
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out parsed) || parsed.Scheme is not ("http" or "https"))
        {
            problems.Add($"{ControlPlaneUrl} must be an absolute http:// or https:// URL");
        }

        var sandboxId = Get(env, SandboxId);
        if (sandboxId is null)
        {
            problems.Add($"{SandboxId} is required");
        }

        var token = Get(env, AgentToken);
        if (token is null)
        {
            problems.Add($"{AgentToken} is required");
        }

        var processFile = Get(env, ProcessFile);
        if (processFile is not null && !File.Exists(processFile))
        {
            problems.Add($"{ProcessFile} names a file that does not exist: {processFile}");
        }

        var initialEnv = ReadInitialEnv(problems, Get(env, InitialEnvFile));

        var dataDir = Get(env, DataDir) ?? DefaultDataDir;
        var logDir = Get(env, LogDir) ?? DefaultLogDir;
        var workspace = Get(env, WorkspaceDir) ?? DefaultWorkspaceDir;
        var socket = CtlSocketPath(env);
        CheckAbsolute(problems, DataDir, dataDir);
        CheckAbsolute(problems, LogDir, logDir);
        CheckAbsolute(problems, WorkspaceDir, workspace);
        CheckAbsolute(problems, CtlSocket, socket);
        if (System.Text.Encoding.UTF8.GetByteCount(socket) > 107)
        {
            problems.Add($"{CtlSocket} is longer than the 107 bytes a unix socket path allows");
        }

        if (problems.Count > 0)
        {
            throw new AgentConfigurationException(problems);
        }

        return new AgentOptions
        {
            ControlPlaneUrl = parsed!,
            SandboxId = sandboxId!,
            AgentToken = token!,
            ProcessFile = processFile,
            InitialEnv = initialEnv,
            DataDir = dataDir,
            LogDir = logDir,
            CtlSocketPath = socket,
            WorkspaceDir = workspace,
        };
    }

    private static Dictionary<string, string> ReadInitialEnv(List<string> problems, string? path)
    {
        if (path is null)
        {
            return [];
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(path), AgentJson.Default.DictionaryStringString) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            problems.Add($"{InitialEnvFile}: {path} is not a readable JSON object of strings ({e.GetType().Name})");
            return [];
        }
    }

    private static void CheckAbsolute(List<string> problems, string name, string value)
    {
        if (!Path.IsPathRooted(value))
        {
            problems.Add($"{name} must be an absolute path");
        }
    }

    private static string? Get(IDictionary env, string name) =>
        env[name] is string { Length: > 0 } value ? value : null;
}
