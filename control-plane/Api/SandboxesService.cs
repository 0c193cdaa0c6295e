using Grpc.Core;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Drivers;
using RemoteDev.ControlPlane.Reconcile;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Sandboxes: writes change desired state and wake the reconciler; nothing here touches a driver.</summary>
internal sealed class SandboxesService(
    ISandboxStore store,
    SandboxAccess access,
    SandboxViews views,
    ReconcilerHost reconciler,
    DesiredState desired,
    ISandboxDriver driver,
    SandboxWatcher watcher) : Sandboxes.SandboxesBase
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;

    public override async Task<Sandbox> Create(CreateSandboxRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        SpecValidator.Sandbox(request, errors);
        SpecValidator.Supported(request.Spec, driver, errors);
        errors.ThrowIfAny();
        context.GetCaller().EnsureProject(request.Project);
        var spec = request.Spec ?? new SandboxSpec();
        if (spec.Driver.Length == 0)
        {
            spec.Driver = "process";
        }

        SpecLimits.RequireSpec(spec, "spec");
        SpecLimits.RequireLabels(request.Labels, "labels");

        var record = await StoreCalls.Run(() => store.CreateAsync(new NewSandbox(request.Name, request.Project, request.Labels, spec), context.CancellationToken));
        try
        {
            await desired.ApplyRetentionAsync(record.Id, spec.Processes.Where(p => p.OutputRetentionBytes > 0), context.CancellationToken);
        }
        finally
        {
            // Stored is stored: whatever fails after the commit, the reconciler takes the sandbox on.
            reconciler.Enqueue(record.Id);
        }

        return views.ToProto(record);
    }

    public override async Task<Sandbox> Get(GetSandboxRequest request, ServerCallContext context)
        => views.ToProto(await access.GetAsync(request.Id, "id", context));

    public override async Task<ListSandboxesResponse> List(ListSandboxesRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.PageSize <= MaxPageSize, "page_size", $"at most {MaxPageSize}");
        errors.ThrowIfAny();
        var caller = context.GetCaller();
        if (request.Project.Length > 0)
        {
            caller.EnsureProject(request.Project);
        }

        var project = request.Project.Length > 0 ? request.Project : caller.AllProjects ? null : caller.Project;
        var query = new SandboxQuery(
            project,
            request.Labels,
            request.PageSize == 0 ? DefaultPageSize : (int)request.PageSize,
            request.PageToken.Length == 0 ? null : request.PageToken);
        var page = await StoreCalls.Run(() => store.ListAsync(query, context.CancellationToken));
        return SandboxListPage.Answer(page, views.ToProto);
    }

    public override async Task<Sandbox> Delete(DeleteSandboxRequest request, ServerCallContext context)
    {
        var sandbox = await access.GetAsync(request.Id, "id", context);
        var deleted = await StoreCalls.Run(() => store.MarkDeletedAsync(sandbox.Id, context.CancellationToken));
        reconciler.Enqueue(deleted.Id);
        return views.ToProto(deleted);
    }

    public override async Task Watch(WatchSandboxesRequest request, IServerStreamWriter<SandboxEvent> responseStream, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.Project.Length > 0)
        {
            caller.EnsureProject(request.Project);
        }

        if (request.Id.Length > 0)
        {
            await access.GetAsync(request.Id, "id", context);
        }

        var project = request.Project.Length > 0 ? request.Project : caller.AllProjects ? null : caller.Project;
        await watcher.RunAsync(new WatchFilter(project, request.Id.Length > 0 ? request.Id : null), responseStream, context.CancellationToken);
    }
}
