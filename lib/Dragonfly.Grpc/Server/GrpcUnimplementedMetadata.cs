namespace Dragonfly.Grpc.Server;

/// <summary>Marks the catch-all endpoint that answers unknown gRPC methods with Unimplemented.</summary>
internal sealed class GrpcUnimplementedMetadata
{
    public static GrpcUnimplementedMetadata Instance { get; } = new();

    private GrpcUnimplementedMetadata()
    {
    }
}
