using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace RemoteDev.ControlPlane.Hosting;

internal static class Logging
{
    /// <summary>JSON lines on stdout with secret-looking properties redacted.</summary>
    public static Serilog.Core.Logger Create(LogEventLevel level) => new LoggerConfiguration()
        .MinimumLevel.Is(level)
        .MinimumLevel.Override("Microsoft", level < LogEventLevel.Information ? level : LogEventLevel.Warning)
        .Enrich.With<SecretRedactor>()
        .WriteTo.Console(new JsonFormatter(renderMessage: true))
        .CreateLogger();
}
