using Grpc.Core;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

internal sealed record WatchFilter(string? Project, string? Id)
{
    public bool Matches(string id, string project)
        => (Project is null || Project == project) && (Id is null || Id == id);
}

/// <summary>Sandboxes/Watch: the current state of every matching sandbox, then every committed change, by revision.</summary>
internal sealed class SandboxWatcher(ISandboxStore store, SandboxViews views)
{
    private const int PageSize = 500;

    public async Task RunAsync(WatchFilter filter, IServerStreamWriter<SandboxEvent> stream, CancellationToken cancellationToken)
    {
        var revision = await store.GetRevisionAsync(cancellationToken);
        var known = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await store.ListAsync(new SandboxQuery(filter.Project, new Dictionary<string, string>(), PageSize, token), cancellationToken);
            foreach (var sandbox in page.Sandboxes.Where(s => filter.Matches(s.Id, s.Project)))
            {
                known.Add(sandbox.Id);
                await stream.WriteAsync(new SandboxEvent { Type = SandboxEvent.Types.Type.Added, Sandbox = views.ToProto(sandbox), Revision = (ulong)sandbox.Revision }, cancellationToken);
            }

            token = page.NextPageToken;
        }
        while (token is not null);

        while (!cancellationToken.IsCancellationRequested)
        {
            var changes = await store.ListChangedSinceAsync(revision, PageSize, cancellationToken);
            if (changes.Count == 0)
            {
                await store.WaitForChangeAsync(revision, cancellationToken);
                continue;
            }

            foreach (var change in changes)
            {
                revision = change.Revision;
                if (!filter.Matches(change.Id, change.Project))
                {
                    continue;
                }

                var type = change.Sandbox is null ? SandboxEvent.Types.Type.Deleted
                    : known.Add(change.Id) ? SandboxEvent.Types.Type.Added
                    : SandboxEvent.Types.Type.Modified;
                var sandbox = change.Sandbox is null ? new Sandbox { Id = change.Id, Project = change.Project } : views.ToProto(change.Sandbox);
                await stream.WriteAsync(new SandboxEvent { Type = type, Sandbox = sandbox, Revision = (ulong)change.Revision }, cancellationToken);
            }
        }
    }
}
