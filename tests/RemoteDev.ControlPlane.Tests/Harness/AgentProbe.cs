using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using RemoteDev.ControlPlane.Drivers.Process;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>Dials AgentGateway/Connect like an agent would, to test what the gateway accepts.</summary>
internal static class AgentProbe
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The token the control plane handed to a sandbox's agent (read from the agent's environment).</summary>
    public static string TokenOf(ControlPlaneConfig config, string sandboxId)
    {
        var record = JsonSerializer.Deserialize<AgentRecord>(File.ReadAllBytes(Path.Combine(config.DataDir, "sandboxes", sandboxId, "agent.json")))!;
        return ProcFs.Environment(record.Pid)[AgentEnvironment.AgentToken];
    }

    public static int AgentPid(ControlPlaneConfig config, string sandboxId)
        => JsonSerializer.Deserialize<AgentRecord>(File.ReadAllBytes(Path.Combine(config.DataDir, "sandboxes", sandboxId, "agent.json")))!.Pid;

    /// <summary>
    /// Waits until an agent other than <paramref name="previous"/> is recorded. The driver removes the old record just
    /// before each launch, so there may be none for a moment.
    /// </summary>
    public static Task<int?> NewAgentAsync(ControlPlaneConfig config, string sandboxId, int previous) => Waits.UntilAsync(
        () => Task.FromResult(AgentPidOrGone(config, sandboxId)),
        pid => pid is { } current && current != previous,
        "a new agent");

    private static int? AgentPidOrGone(ControlPlaneConfig config, string sandboxId)
    {
        try
        {
            return AgentPid(config, sandboxId);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Sends <paramref name="first"/> and returns the status the gateway ends the call with (OK once it acks).</summary>
    public static async Task<Status> FirstMessageStatusAsync(string address, AgentMessage first)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var client = new AgentGateway.AgentGatewayClient(channel);
        using var call = client.Connect(deadline: DateTime.UtcNow + ConnectTimeout);
        try
        {
            // The write itself may already see the status: the server can answer and end the call before the
            // client's write completes.
            await call.RequestStream.WriteAsync(first);
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                if (call.ResponseStream.Current.HelloAck is not null)
                {
                    return Status.DefaultSuccess;
                }
            }

            return Status.DefaultSuccess;
        }
        catch (RpcException error)
        {
            return error.Status;
        }
    }

    public static AgentMessage Hello(string sandboxId, string token)
        => new() { Hello = new AgentHello { SandboxId = sandboxId, Token = token, AgentVersion = "probe" } };
}
