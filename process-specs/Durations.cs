using Google.Protobuf.WellKnownTypes;

namespace RemoteDev.ProcessSpecs;

/// <summary>protobuf Durations from the wire: one that is not normalized (nanos of the wrong sign or range) has no TimeSpan.</summary>
public static class Durations
{
    /// <summary>The span, or null when <paramref name="value"/> is not a valid Duration.</summary>
    public static TimeSpan? TryToTimeSpan(Duration value)
    {
        try
        {
            return value.ToTimeSpan();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The problem of an invalid Duration in <paramref name="field"/>, with its raw parts.</summary>
    public static string Invalid(string field, Duration value) =>
        $"{field} is not a valid duration (seconds {value.Seconds}, nanos {value.Nanos})";
}
