using System.CommandLine;
using System.CommandLine.Parsing;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>KEY=VALUE options and arguments, validated at parse time so a bad one is a usage error naming it.</summary>
internal static class KeyValues
{
    public static Option<string[]> Option(string name, string description)
    {
        var option = new Option<string[]>(name) { Description = description, HelpName = "KEY=VALUE", AllowMultipleArgumentsPerToken = false };
        option.Validators.Add(result => Validate(result, name));
        return option;
    }

    public static Argument<string[]> Argument(string name, string description)
    {
        var argument = new Argument<string[]>(name) { Description = description, Arity = ArgumentArity.OneOrMore };
        argument.Validators.Add(result => Validate(result, name));
        return argument;
    }

    public static Dictionary<string, string> ToDictionary(string[]? pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var split = pair.IndexOf('=', StringComparison.Ordinal);
            values[pair[..split]] = pair[(split + 1)..];
        }

        return values;
    }

    private static void Validate(SymbolResult result, string name)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                result.AddError($"{name}: '{token.Value}' is not KEY=VALUE");
            }
        }
    }
}
