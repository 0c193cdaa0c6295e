using RemoteDev.Grpc.Tests.Client.Peers;

namespace RemoteDev.Grpc.Tests.Client;

/// <summary>Our client against @grpc/grpc-js.</summary>
public sealed class NodeServerClientTests(NodeServerFixture server) : ClientConformanceTests(server), IClassFixture<NodeServerFixture>;
