namespace Grpc.Net.Client.Internal;

/// <summary>What every call of a channel needs from its options, fixed when the channel is created.</summary>
internal sealed record ChannelSettings(int? MaxSendMessageSize, int? MaxReceiveMessageSize, bool ThrowOperationCanceledOnCancellation, CompressionProviderSet Compression);
