using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>The channel's message encodings by name and the grpc-accept-encoding value that advertises them.</summary>
internal sealed class CompressionProviderSet
{
    private readonly Dictionary<string, ICompressionProvider> _providers;

    private CompressionProviderSet(Dictionary<string, ICompressionProvider> providers)
    {
        _providers = providers;
        AcceptEncoding = string.Join(',', ["identity", .. providers.Keys]);
    }

    public string AcceptEncoding { get; }

    public static CompressionProviderSet Create(IEnumerable<ICompressionProvider> providers)
    {
        var byName = new Dictionary<string, ICompressionProvider>(StringComparer.Ordinal);
        foreach (var provider in providers)
        {
            if (!byName.TryAdd(provider.EncodingName, provider))
            {
                throw new ArgumentException($"Compression provider '{provider.EncodingName}' is registered twice.", nameof(providers));
            }
        }

        return new CompressionProviderSet(byName);
    }

    public ICompressionProvider? Find(string encoding) => _providers.GetValueOrDefault(encoding);
}
