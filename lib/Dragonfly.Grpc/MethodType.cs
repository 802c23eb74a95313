namespace Dragonfly.Grpc;

/// <summary>The four gRPC call shapes, named as in Grpc.Core.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary,

    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,

    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,

    /// <summary>Streams in both directions.</summary>
    DuplexStreaming,
}
