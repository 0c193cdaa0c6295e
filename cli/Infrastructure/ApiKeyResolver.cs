namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// Where the API key comes from, first match wins: --api-key; env RDEV_API_KEY; the file admin.key in
/// $REMOTEDEV_DATA_DIR when that is set, else in ./.data (the control plane's default data directory, where it
/// writes the bootstrap admin key on first start). The key is never printed.
/// </summary>
internal static class ApiKeyResolver
{
    public const string KeyVariable = "RDEV_API_KEY";
    public const string DataDirVariable = "REMOTEDEV_DATA_DIR";
    public const string DefaultDataDir = "./.data";
    public const string KeyFileName = "admin.key";

    public static string Resolve(string? fromOption)
    {
        if (fromOption is { Length: > 0 })
        {
            return fromOption.Trim();
        }

        if (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } fromEnv)
        {
            return fromEnv.Trim();
        }

        var dataDir = Environment.GetEnvironmentVariable(DataDirVariable) is { Length: > 0 } dir ? dir : DefaultDataDir;
        var path = Path.GetFullPath(Path.Combine(dataDir, KeyFileName));
        if (!File.Exists(path))
        {
            throw new CliException(
                ExitCodes.Denied,
                $"no API key: pass --api-key, set {KeyVariable}, or run where the control plane's {path} exists (or set {DataDirVariable})");
        }

        var key = File.ReadAllText(path).Trim();
        return key.Length > 0 ? key : throw new CliException(ExitCodes.Denied, $"no API key: {path} is empty");
    }
}
