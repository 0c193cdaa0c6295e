using System.CommandLine;

namespace RemoteDev.Cli.Infrastructure;

internal enum OutputFormat
{
    Table,
    Json,
}

/// <summary>Options every command accepts (declared once on the root, recursive).</summary>
internal static class GlobalOptions
{
    public const string DefaultServer = "http://127.0.0.1:5080";
    public const string ServerVariable = "RDEV_SERVER";
    public const string RequestTimeoutVariable = "RDEV_REQUEST_TIMEOUT";

    public static readonly Option<string> Server = new("--server")
    {
        Description = $"Control-plane gRPC address (env {ServerVariable}, default {DefaultServer})",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value ? value : DefaultServer,
    };

    public static readonly Option<string?> ApiKey = CreateApiKey();

    /// <summary>Not --timeout: exec's --timeout bounds the command it runs, sandbox create's the wait for READY.</summary>
    public static readonly Option<TimeSpan?> RequestTimeout = new("--request-timeout")
    {
        Description = $"How long a request-response call may take (env {RequestTimeoutVariable}, default {Deadlines.Request.TotalSeconds:0}s; process stop and restart add the stop grace)",
        Recursive = true,
        CustomParser = r => Parsers.PositiveDuration(r),
    };

    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "table (for people) or json (proto JSON, one message per line, for scripts)",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    /// <summary>Given empty (a script's unset variable), it is a usage error rather than "no key given".</summary>
    private static Option<string?> CreateApiKey()
    {
        var option = new Option<string?>("--api-key")
        {
            Description = $"API key <id>.<secret>; else env {ApiKeyResolver.KeyVariable}, else the control plane's admin.key file (see rdev --help)",
            Recursive = true,
        };
        option.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string?>()))
            {
                result.AddError("--api-key: empty; give a key, or leave the option out to use the next source");
            }
        });
        return option;
    }

    public static void AddTo(RootCommand root)
    {
        root.Add(Server);
        root.Add(ApiKey);
        root.Add(RequestTimeout);
        root.Add(Output);
    }
}
