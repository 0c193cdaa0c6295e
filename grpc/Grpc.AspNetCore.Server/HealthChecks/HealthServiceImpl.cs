using System.Threading.Channels;
using Grpc.Core;
using Grpc.Health.V1;

namespace Grpc.HealthCheck;

/// <summary>
/// grpc.health.v1.Health: per-service serving status set from code. Check answers NOT_FOUND for an unknown service;
/// Watch sends SERVICE_UNKNOWN and then every change, keeping only the latest status for a slow watcher.
/// </summary>
public class HealthServiceImpl : Health.V1.Health.HealthBase
{
    private readonly object _lock = new();
    private readonly Dictionary<string, HealthCheckResponse.Types.ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ChannelWriter<HealthCheckResponse>>> _watchers = new(StringComparer.Ordinal);

    public void SetStatus(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            _statuses[service] = status;
            Notify(service, status);
        }
    }

    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            _statuses.Remove(service);
            Notify(service, HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
        }
    }

    public void ClearAll()
    {
        lock (_lock)
        {
            foreach (var service in _statuses.Keys.ToArray())
            {
                _statuses.Remove(service);
                Notify(service, HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>Ends every Watch call (with OK, so clients retry elsewhere); called when the application stops.</summary>
    internal void CompleteWatchers()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers.Values.SelectMany(list => list))
            {
                watcher.TryComplete();
            }
        }
    }

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(request.Service, out var status)
                ? Task.FromResult(new HealthCheckResponse { Status = status })
                : throw new RpcException(new Status(StatusCode.NotFound, $"Service '{request.Service}' is unknown."));
        }
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var updates = Channel.CreateBounded<HealthCheckResponse>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
        {
            var current = _statuses.GetValueOrDefault(request.Service, HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
            updates.Writer.TryWrite(new HealthCheckResponse { Status = current });
            if (!_watchers.TryGetValue(request.Service, out var list))
            {
                _watchers[request.Service] = list = [];
            }

            list.Add(updates.Writer);
        }

        try
        {
            await foreach (var update in updates.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(update, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher went away or the server is shutting down: the call simply ends.
        }
        finally
        {
            lock (_lock)
            {
                var list = _watchers[request.Service];
                list.Remove(updates.Writer);
                if (list.Count == 0)
                {
                    _watchers.Remove(request.Service);
                }
            }
        }
    }

    private void Notify(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var watcher in list)
            {
                watcher.TryWrite(new HealthCheckResponse { Status = status });
            }
        }
    }
}
