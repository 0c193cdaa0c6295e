using Grpc.Core;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Processes: add/remove/reload change desired state and are sent to the agent; start/stop/restart/signal/exec are
/// imperative (FAILED_PRECONDITION without a connected agent). Attach, Logs and Exec have their own classes.
/// </summary>
internal sealed class ProcessesService(
    SandboxAccess access,
    DesiredState desired,
    AgentCalls agents,
    SandboxViews views,
    ProcessStatusViews statuses,
    ExecStreamer exec,
    AttachHandler attach,
    LogsStreamer logs) : Processes.ProcessesBase
{
    public override async Task<ProcessStatus> Add(AddProcessRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        SpecValidator.Process(request.Spec, "spec", errors);
        errors.ThrowIfAny();
        var sandbox = await access.GetLiveAsync(request.SandboxId, "sandbox_id", context);
        var updated = await desired.UpdateAsync(sandbox, spec =>
        {
            if (DesiredState.IndexOf(spec.Processes, request.Spec.Name) >= 0)
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"spec.name: sandbox {sandbox.Id} already has a process '{request.Spec.Name}'"));
            }

            spec.Processes.Add(request.Spec);
            RequireSupervisable(request.Spec, spec);
            SpecLimits.RequireSpec(spec, "spec");
        }, context.CancellationToken);
        await desired.ApplyRetentionAsync(sandbox.Id, [request.Spec], context.CancellationToken);
        if (!agents.IsConnected(sandbox.Id))
        {
            return await NotConnectedAsync(sandbox.Id, request.Spec, context);
        }

        var result = await agents.RunAsync(sandbox.Id, new Command { Add = request.Spec }, context.CancellationToken);
        await desired.PushAsync(updated, context.CancellationToken);
        return await StatusOf(sandbox.Id, request.Spec.Name, result, context);
    }

    public override async Task<ProcessStatus> Start(ProcessRef request, ServerCallContext context)
        => await SetDesiredStateAsync(request.SandboxId, request.Name, DesiredProcessState.Running, new Command { Start = new ProcessName { Name = request.Name } }, context);

    public override async Task<ProcessStatus> Stop(StopProcessRequest request, ServerCallContext context)
        => await SetDesiredStateAsync(request.SandboxId, request.Name, DesiredProcessState.Stopped, new Command { Stop = new StopProcess { Name = request.Name, Grace = request.Grace }, Timeout = StopWait.CommandTimeout(context) }, context);

    public override async Task<ProcessStatus> Restart(RestartProcessRequest request, ServerCallContext context)
    {
        var sandbox = await ImperativeAsync(request.SandboxId, request.Name, context);
        var result = await agents.RunAsync(sandbox.Id, new Command { Restart = new RestartProcess { Name = request.Name, Force = request.Force }, Timeout = StopWait.CommandTimeout(context) }, context.CancellationToken);
        return await StatusOf(sandbox.Id, request.Name, result, context);
    }

    public override async Task<ProcessStatus> Signal(SignalProcessRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        errors.Require(request.Name.Length > 0, "name", "required");
        errors.Require(SpecValidator.IsSignal(request.Signal), "signal", $"unknown signal '{request.Signal}'");
        errors.ThrowIfAny();
        var sandbox = await ImperativeAsync(request.SandboxId, request.Name, context);
        var result = await agents.RunAsync(sandbox.Id, new Command { Signal = new SignalProcess { Name = request.Name, Signal = request.Signal } }, context.CancellationToken);
        return await StatusOf(sandbox.Id, request.Name, result, context);
    }

    public override async Task<RemoveProcessResponse> Remove(ProcessRef request, ServerCallContext context)
    {
        var sandbox = await RequireNamesAsync(request.SandboxId, request.Name, context);
        var updated = await desired.UpdateAsync(sandbox, spec =>
        {
            var index = DesiredState.RequireProcess(spec, sandbox.Id, request.Name);
            var dependents = spec.Processes.Where(p => p.DependsOn.Any(d => d.Process?.Name == request.Name)).Select(p => $"'{p.Name}'").ToList();
            if (dependents.Count > 0)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"name: '{request.Name}' is a dependency of {string.Join(", ", dependents)}; remove or reload those first"));
            }

            spec.Processes.RemoveAt(index);
        }, context.CancellationToken);
        if (agents.IsConnected(sandbox.Id))
        {
            await agents.RunAsync(sandbox.Id, new Command { Remove = new ProcessName { Name = request.Name } }, context.CancellationToken);
            await desired.PushAsync(updated, context.CancellationToken);
        }

        return new RemoveProcessResponse();
    }

    public override async Task<ProcessStatus> Reload(ReloadProcessRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        SpecValidator.Process(request.Spec, "spec", errors);
        errors.ThrowIfAny();
        var sandbox = await access.GetLiveAsync(request.SandboxId, "sandbox_id", context);
        var updated = await desired.UpdateAsync(sandbox, spec =>
        {
            spec.Processes[DesiredState.RequireProcess(spec, sandbox.Id, request.Spec.Name)] = request.Spec;
            RequireSupervisable(request.Spec, spec);
            SpecLimits.RequireSpec(spec, "spec");
        }, context.CancellationToken);
        await desired.ApplyRetentionAsync(sandbox.Id, [request.Spec], context.CancellationToken);
        if (!agents.IsConnected(sandbox.Id))
        {
            return await NotConnectedAsync(sandbox.Id, request.Spec, context);
        }

        var result = await agents.RunAsync(sandbox.Id, new Command { Reload = new ReloadProcess { Spec = request.Spec, RestartNow = request.RestartNow } }, context.CancellationToken);
        await desired.PushAsync(updated, context.CancellationToken);
        return await StatusOf(sandbox.Id, request.Spec.Name, result, context);
    }

    /// <summary>Refuses an added or reloaded process the agent's supervisor would refuse, before it is stored.</summary>
    private static void RequireSupervisable(ProcessSpec changed, SandboxSpec spec)
    {
        var errors = new FieldErrors();
        SpecValidator.Supervisable([changed], spec.Processes, "spec", _ => "spec", errors);
        errors.ThrowIfAny();
    }

    public override async Task<ListProcessesResponse> List(ListProcessesRequest request, ServerCallContext context)
    {
        var sandbox = await access.GetAsync(request.SandboxId, "sandbox_id", context);
        var response = new ListProcessesResponse();
        if (agents.IsConnected(sandbox.Id))
        {
            var list = new ListProcesses();
            list.Tags.Add(request.Tags);
            var result = await agents.RunAsync(sandbox.Id, new Command { List = list }, context.CancellationToken);
            response.Processes.Add(await statuses.ManyAsync(sandbox.Id, result.Processes.Processes, context.CancellationToken));
            return response;
        }

        var reported = views.ToProto(sandbox).Status.Processes.Where(p => request.Tags.All(t => p.Spec?.Tags.Contains(t) == true));
        response.Processes.Add(await statuses.ManyAsync(sandbox.Id, reported, context.CancellationToken));
        return response;
    }

    public override async Task<ProcessStatus> Get(GetProcessRequest request, ServerCallContext context)
    {
        if (request.IncludeEnv)
        {
            context.GetCaller().EnsureScope(Scope.Execute, "include_env");
        }

        var sandbox = await RequireNamesAsync(request.SandboxId, request.Name, context);
        if (agents.IsConnected(sandbox.Id))
        {
            var result = await agents.RunAsync(sandbox.Id, new Command { Get = new GetProcess { Name = request.Name, IncludeEnv = request.IncludeEnv } }, context.CancellationToken);
            return await statuses.OneAsync(sandbox.Id, result.Process, context.CancellationToken);
        }

        // Last reported, else wanted and not started yet (as Add answers while the agent is away).
        if (views.ToProto(sandbox).Status.Processes.FirstOrDefault(p => p.Name == request.Name) is { } reported)
        {
            return await statuses.OneAsync(sandbox.Id, reported, context.CancellationToken);
        }

        return sandbox.Spec.Processes.FirstOrDefault(p => p.Name == request.Name) is { } wanted
            ? await NotConnectedAsync(sandbox.Id, wanted, context)
            : throw new RpcException(new Status(StatusCode.NotFound, $"sandbox {sandbox.Id} has no process '{request.Name}' on record"));
    }

    public override Task Exec(ExecRequest request, IServerStreamWriter<ExecResponse> responseStream, ServerCallContext context)
        => exec.RunAsync(request, responseStream, context);

    public override Task Attach(IAsyncStreamReader<AttachRequest> requestStream, IServerStreamWriter<AttachResponse> responseStream, ServerCallContext context)
        => attach.RunAsync(requestStream, responseStream, context);

    public override Task Logs(LogsRequest request, IServerStreamWriter<LogsResponse> responseStream, ServerCallContext context)
        => logs.RunAsync(request, responseStream, context);

    private async Task<ProcessStatus> SetDesiredStateAsync(string sandboxId, string name, DesiredProcessState state, Command command, ServerCallContext context)
    {
        var sandbox = await ImperativeAsync(sandboxId, name, context);
        var result = await agents.RunAsync(sandbox.Id, command, context.CancellationToken);
        if (DesiredState.IndexOf(sandbox.Spec.Processes, name) >= 0)
        {
            var updated = await desired.UpdateAsync(sandbox, spec => spec.Processes[DesiredState.RequireProcess(spec, sandbox.Id, name)].DesiredState = state, context.CancellationToken);
            await desired.PushAsync(updated, context.CancellationToken);
        }

        return await StatusOf(sandbox.Id, name, result, context);
    }

    /// <summary>The process status the agent answered with, or (for commands answered without one) a fresh Get.</summary>
    private async Task<ProcessStatus> StatusOf(string sandboxId, string name, CommandResult result, ServerCallContext context)
    {
        var status = result.Process ?? (await agents.RunAsync(sandboxId, new Command { Get = new GetProcess { Name = name } }, context.CancellationToken)).Process;
        return await statuses.OneAsync(sandboxId, status, context.CancellationToken);
    }

    private Task<ProcessStatus> NotConnectedAsync(string sandboxId, ProcessSpec spec, ServerCallContext context)
        => statuses.OneAsync(sandboxId, new ProcessStatus { Name = spec.Name, State = ProcessState.Pending, Spec = spec, Reason = "the agent is not connected" }, context.CancellationToken);

    private async Task<SandboxRecord> ImperativeAsync(string sandboxId, string name, ServerCallContext context)
    {
        var sandbox = await RequireNamesAsync(sandboxId, name, context);
        if (sandbox.Deleted)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"sandbox {sandbox.Id} is deleted"));
        }

        await agents.RequireAsync(sandbox.Id, context.CancellationToken);
        return sandbox;
    }

    private async Task<SandboxRecord> RequireNamesAsync(string sandboxId, string name, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(sandboxId.Length > 0, "sandbox_id", "required");
        errors.Require(name.Length > 0, "name", "required");
        errors.ThrowIfAny();
        return await access.GetAsync(sandboxId, "sandbox_id", context);
    }
}
