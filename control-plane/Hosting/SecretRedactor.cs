using Serilog.Core;
using Serilog.Events;

namespace RemoteDev.ControlPlane.Hosting;

/// <summary>Replaces the value of every log property whose name looks like it holds a secret.</summary>
internal sealed class SecretRedactor : ILogEventEnricher
{
    private static readonly string[] SecretWords = ["token", "secret", "password", "authorization", "connectionstring", "apikey", "credential"];
    private static readonly LogEventPropertyValue Redacted = new ScalarValue("[redacted]");

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var name in logEvent.Properties.Keys.Where(IsSecret).ToList())
        {
            logEvent.AddOrUpdateProperty(new LogEventProperty(name, Redacted));
        }
    }

    private static bool IsSecret(string name)
        => SecretWords.Any(word => name.Replace("_", "", StringComparison.Ordinal).Contains(word, StringComparison.OrdinalIgnoreCase));
}
