using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Processes/Exec: a one-shot command through the agent, its output streamed, then its exit.</summary>
internal sealed class ExecStreamer(SandboxAccess access, AgentCalls agents, ControlPlaneMetrics metrics)
{
    private static readonly TimeSpan DefaultExecTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AgentMargin = TimeSpan.FromSeconds(10);

    public async Task RunAsync(ExecRequest request, IServerStreamWriter<ExecResponse> responseStream, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        errors.Require(request.Command is { Command.Count: > 0 } && request.Command.Command[0].Length > 0, "command.command", "required");
        if (request.Command is { } command)
        {
            SpecValidator.Env(command.Env.Keys, "command.env", errors);
            errors.Require(command.Timeout is null || command.Timeout.ToTimeSpan() >= TimeSpan.Zero, "command.timeout", "must not be negative");
        }

        errors.ThrowIfAny();
        var sandbox = await access.GetLiveAsync(request.SandboxId, "sandbox_id", context);
        var timeout = request.Command!.Timeout?.ToTimeSpan() is { } t && t > TimeSpan.Zero ? t : DefaultExecTimeout;
        var pending = await agents.StartAsync(
            sandbox.Id,
            new Command { Exec = request.Command, Timeout = Duration.FromTimeSpan(timeout + AgentMargin) },
            streamsOutput: true,
            context.CancellationToken);
        // Asking for the next message credits this one back: the agent sends more once the operator's stream took it.
        await foreach (var output in pending.Output!.ReadAllAsync(context.CancellationToken))
        {
            metrics.BytesToOperators(output.Data.Length);
            await responseStream.WriteAsync(new ExecResponse { Output = output }, context.CancellationToken);
        }

        var result = AgentCalls.Check(await pending.Result.Task);
        await responseStream.WriteAsync(new ExecResponse { Exit = result.Exec ?? new ExecExit() }, context.CancellationToken);
    }
}
