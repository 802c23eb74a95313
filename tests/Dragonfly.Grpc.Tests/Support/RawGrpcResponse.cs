using System.Net;

namespace Dragonfly.Grpc.Tests.Support;

/// <summary>What the server answered, with grpc-message still percent-encoded as on the wire.</summary>
public sealed record RawGrpcResponse(
    HttpStatusCode HttpStatus,
    string? ContentType,
    string? GrpcStatus,
    string? GrpcMessage,
    string? GrpcAcceptEncoding,
    byte[] Body);
