namespace RemoteDev.Cli.Infrastructure;

/// <summary>The text of a JSON file named by an option; a missing file is a usage error naming the option.</summary>
internal static class JsonFiles
{
    public static Task<string> ReadAsync(FileInfo file, string optionName, CancellationToken cancellationToken) =>
        file.Exists
            ? File.ReadAllTextAsync(file.FullName, cancellationToken)
            : throw CliException.Usage($"{optionName}: {file.FullName} does not exist");
}
