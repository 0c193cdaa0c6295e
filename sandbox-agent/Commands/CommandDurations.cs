using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.Agent.Hosting;
using RemoteDev.ProcessSpecs;

namespace RemoteDev.Agent.Commands;

/// <summary>The timeouts and grace periods of commands: valid, not negative, at most <see cref="Max"/>.</summary>
internal static class CommandDurations
{
    /// <summary>The longest timeout or grace a command may carry: work that runs longer belongs in a process.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromHours(24);

    /// <summary>Null when unset; an invalid value is INVALID_ARGUMENT naming <paramref name="field"/>.</summary>
    public static TimeSpan? Optional(Duration? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        var span = Durations.TryToTimeSpan(value) ?? throw new ProcessHostException(StatusCode.InvalidArgument, Durations.Invalid(field, value));

        if (span < TimeSpan.Zero)
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, $"{field} must not be negative");
        }

        return span <= Max
            ? span
            : throw new ProcessHostException(StatusCode.InvalidArgument, $"{field} of {span.TotalSeconds:0.###} s is longer than the {Max.TotalHours:0} h a command may take");
    }
}
