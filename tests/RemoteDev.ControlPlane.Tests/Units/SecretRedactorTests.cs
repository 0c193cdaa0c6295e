using RemoteDev.ControlPlane.Hosting;
using Serilog.Events;
using Serilog.Parsing;

namespace RemoteDev.ControlPlane.Tests.Units;

public sealed class SecretRedactorTests
{
    [Fact]
    public void Secret_looking_properties_are_redacted_and_others_kept()
    {
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("x"),
        [
            new LogEventProperty("AgentToken", new ScalarValue("abc.secret")),
            new LogEventProperty("connection_string", new ScalarValue("Host=db;Password=p")),
            new LogEventProperty("SandboxId", new ScalarValue("sbx-1")),
        ]);

        new SecretRedactor().Enrich(logEvent, null!);

        Assert.Equal("\"[redacted]\"", logEvent.Properties["AgentToken"].ToString());
        Assert.Equal("\"[redacted]\"", logEvent.Properties["connection_string"].ToString());
        Assert.Equal("\"sbx-1\"", logEvent.Properties["SandboxId"].ToString());
    }
}
