namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// Where the API key comes from, first one given wins: --api-key; env RDEV_API_KEY; the file admin.key in
/// $REMOTEDEV_DATA_DIR when that is set, else in ./.data (the control plane's default data directory, where it
/// writes the bootstrap admin key on first start). A source given empty is an error, never a reason to fall back to
/// the admin key: a script with an unset variable must not run as admin. The key is never printed.
/// </summary>
internal static class ApiKeyResolver
{
    public const string KeyVariable = "RDEV_API_KEY";
    public const string DataDirVariable = "REMOTEDEV_DATA_DIR";
    public const string DefaultDataDir = "./.data";
    public const string KeyFileName = "admin.key";

    /// <param name="fromOption">--api-key, null when not given; parsing refuses it empty.</param>
    public static string Resolve(string? fromOption)
    {
        if (fromOption is not null)
        {
            return Checked(fromOption.Trim(), "--api-key");
        }

        if (Environment.GetEnvironmentVariable(KeyVariable) is { } fromEnv)
        {
            return Checked(fromEnv.Trim(), KeyVariable);
        }

        var dataDir = Environment.GetEnvironmentVariable(DataDirVariable) is { Length: > 0 } dir ? dir : DefaultDataDir;
        var path = Path.GetFullPath(Path.Combine(dataDir, KeyFileName));
        if (!File.Exists(path))
        {
            throw new CliException(
                ExitCodes.Denied,
                $"no API key: pass --api-key, set {KeyVariable}, or run where the control plane's {path} exists (or set {DataDirVariable})");
        }

        return Checked(File.ReadAllText(path).Trim(), path);
    }

    /// <summary>A key goes in an HTTP header: printable ASCII only.</summary>
    private static string Checked(string key, string source)
    {
        if (key.Length == 0)
        {
            throw new CliException(ExitCodes.Denied, $"no API key: {source} is set but empty (unset it to fall back to the next source)");
        }

        return key.All(c => c is >= ' ' and <= '~')
            ? key
            : throw new CliException(ExitCodes.Denied, $"the API key in {source} has characters outside printable ASCII (not shown)");
    }
}
