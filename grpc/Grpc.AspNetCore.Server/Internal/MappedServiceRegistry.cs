namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The services mapped on this server, with the static class each was generated into (for reflection).</summary>
internal sealed class MappedServiceRegistry
{
    private readonly object _lock = new();
    private readonly List<MappedService> _services = [];
    private bool _unknownServiceRouteMapped;

    public IReadOnlyList<MappedService> Services
    {
        get
        {
            lock (_lock)
            {
                return _services.ToArray();
            }
        }
    }

    public void Add(MappedService service)
    {
        lock (_lock)
        {
            if (_services.Any(s => s.Name == service.Name))
            {
                throw new InvalidOperationException($"gRPC service {service.Name} is already mapped.");
            }

            _services.Add(service);
        }
    }

    /// <summary>True the first time only: the catch-all UNIMPLEMENTED route is mapped once per server.</summary>
    public bool TryClaimUnknownServiceRoute()
    {
        lock (_lock)
        {
            var first = !_unknownServiceRouteMapped;
            _unknownServiceRouteMapped = true;
            return first;
        }
    }
}

/// <param name="Name">The full service name, e.g. "grpc.health.v1.Health".</param>
/// <param name="GeneratedType">The static class holding the generated <c>Descriptor</c>.</param>
internal sealed record MappedService(string Name, Type GeneratedType);
