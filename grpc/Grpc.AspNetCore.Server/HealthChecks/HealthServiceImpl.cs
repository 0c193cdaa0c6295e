using System.Threading.Channels;
using Grpc.Core;
using Grpc.Health.V1;

namespace Grpc.HealthCheck;

/// <summary>
/// grpc.health.v1.Health: per-service serving status set from code. Check answers NOT_FOUND for an unknown service;
/// Watch sends SERVICE_UNKNOWN and then every change, keeping only the latest status for a slow watcher. Once the
/// server shuts down every service is NOT_SERVING for good, as in grpc-java and grpc-python.
/// </summary>
public class HealthServiceImpl : Health.V1.Health.HealthBase
{
    private readonly object _lock = new();
    private readonly Dictionary<string, HealthCheckResponse.Types.ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ChannelWriter<HealthCheckResponse>>> _watchers = new(StringComparer.Ordinal);
    private bool _shuttingDown;

    /// <summary>Sets the service's status and tells its watchers if it changed; ignored once the server shuts down.</summary>
    public void SetStatus(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (!_shuttingDown)
            {
                Set(service, status);
            }
        }
    }

    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (!_shuttingDown && _statuses.Remove(service))
            {
                Notify(service, HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
            }
        }
    }

    public void ClearAll()
    {
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            foreach (var service in _statuses.Keys.ToArray())
            {
                _statuses.Remove(service);
                Notify(service, HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>
    /// Called when the application starts stopping: every service turns NOT_SERVING for good (load balancers drain),
    /// and every Watch call ends (with OK, so clients retry elsewhere) once it sent that status; open watches would
    /// otherwise hold the server's shutdown until its timeout.
    /// </summary>
    internal void EnterGracefulShutdown()
    {
        lock (_lock)
        {
            _shuttingDown = true;
            foreach (var service in _statuses.Keys.ToArray())
            {
                Set(service, HealthCheckResponse.Types.ServingStatus.NotServing);
            }

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
            if (_shuttingDown)
            {
                updates.Writer.TryComplete();
            }

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

    private void Set(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        if (_statuses.TryGetValue(service, out var current) && current == status)
        {
            return;
        }

        _statuses[service] = status;
        Notify(service, status);
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
