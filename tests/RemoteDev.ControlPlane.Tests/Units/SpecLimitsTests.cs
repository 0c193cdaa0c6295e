using System.Globalization;
using Grpc.Core;
using RemoteDev.ControlPlane.Api;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Units;

public sealed class SpecLimitsTests
{
    [Fact]
    public void A_spec_under_1_MiB_as_sent_but_over_it_with_its_env_redacted_is_refused()
    {
        var process = new ProcessSpec { Name = "main", Command = "/bin/sh" };
        for (var i = 0; i < 60_000; i++)
        {
            process.Env["V" + i.ToString("D5", CultureInfo.InvariantCulture)] = "";
        }

        var spec = new SandboxSpec { Driver = "process", Processes = { process } };

        var error = Assert.Throws<RpcException>(() => SpecLimits.RequireSpec(spec, "spec"));

        Assert.InRange(spec.CalculateSize(), 0, SpecLimits.MaxSpecBytes);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("env values redacted, as answered", error.Status.Detail, StringComparison.Ordinal);
    }
}
