using Grpc.Core;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Env: the sandbox's global environment is desired state; changes are stored, then sent to the agent.</summary>
internal sealed class EnvService(SandboxAccess access, DesiredState desired, AgentCalls agents) : Env.EnvBase
{
    public override async Task<EnvNamesResponse> Set(SetEnvRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        errors.Require(request.Values.Count > 0, "values", "required");
        SpecValidator.Env(request.Values.Keys, "values", errors);
        errors.ThrowIfAny();
        var sandbox = await access.GetLiveAsync(request.SandboxId, "sandbox_id", context);
        var updated = await desired.UpdateAsync(sandbox, spec =>
        {
            foreach (var (name, value) in request.Values)
            {
                spec.Env[name] = value;
            }

            SpecLimits.RequireSpec(spec, "values");
        }, context.CancellationToken);
        if (agents.IsConnected(sandbox.Id))
        {
            var set = new SetEnv();
            set.Values.Add(request.Values);
            await agents.RunAsync(sandbox.Id, new Command { SetEnv = set }, context.CancellationToken);
            await desired.PushAsync(updated, context.CancellationToken);
        }

        return Names(updated);
    }

    public override async Task<EnvNamesResponse> Unset(UnsetEnvRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        errors.Require(request.Names.Count > 0, "names", "required");
        SpecValidator.Env(request.Names, "names", errors);
        errors.ThrowIfAny();
        var sandbox = await access.GetLiveAsync(request.SandboxId, "sandbox_id", context);
        var updated = await desired.UpdateAsync(sandbox, spec =>
        {
            foreach (var name in request.Names)
            {
                spec.Env.Remove(name);
            }
        }, context.CancellationToken);
        if (agents.IsConnected(sandbox.Id))
        {
            var unset = new UnsetEnv();
            unset.Names.Add(request.Names);
            await agents.RunAsync(sandbox.Id, new Command { UnsetEnv = unset }, context.CancellationToken);
            await desired.PushAsync(updated, context.CancellationToken);
        }

        return Names(updated);
    }

    public override async Task<EnvNamesResponse> List(ListEnvRequest request, ServerCallContext context)
        => Names(await access.GetAsync(request.SandboxId, "sandbox_id", context));

    private static EnvNamesResponse Names(SandboxRecord sandbox)
    {
        var response = new EnvNamesResponse();
        response.Names.Add(sandbox.Spec.Env.Keys.Order(StringComparer.Ordinal));
        return response;
    }
}
