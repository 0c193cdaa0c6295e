using System.CommandLine.Parsing;
using System.Globalization;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>Custom value parsers; each reports a usage error naming the option.</summary>
internal static class Parsers
{
    /// <summary>500ms, 5s, 2m, 1h.</summary>
    public static TimeSpan Duration(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (TryDuration(text, out var duration))
        {
            return duration;
        }

        result.AddError($"{Name(result)}: '{text}' is not a duration like 500ms, 5s, 2m or 1h");
        return TimeSpan.Zero;
    }

    /// <summary>A <see cref="Duration(ArgumentResult)"/> above zero.</summary>
    public static TimeSpan PositiveDuration(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (TryPositiveDuration(text, out var duration))
        {
            return duration;
        }

        result.AddError($"{Name(result)}: '{text}' is not a duration above zero like 500ms, 5s, 2m or 1h");
        return TimeSpan.Zero;
    }

    public static bool TryPositiveDuration(string text, out TimeSpan duration) => TryDuration(text, out duration) && duration > TimeSpan.Zero;

    private static bool TryDuration(string text, out TimeSpan duration)
    {
        (string Suffix, Func<double, TimeSpan> Make)[] units =
            [("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours)];
        foreach (var (suffix, make) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && amount >= 0)
            {
                duration = make(amount);
                return true;
            }
        }

        duration = TimeSpan.Zero;
        return false;
    }

    /// <summary>Unix permission bits in octal, like 0644.</summary>
    public static uint OctalMode(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (text.Length is > 0 and <= 4 && text.All(c => c is >= '0' and <= '7'))
        {
            return Convert.ToUInt32(text, 8);
        }

        result.AddError($"{Name(result)}: '{text}' is not an octal mode like 0644");
        return 0;
    }

    private static string Name(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
