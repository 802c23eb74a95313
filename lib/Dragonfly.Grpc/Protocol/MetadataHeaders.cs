using Microsoft.AspNetCore.Http;

namespace Dragonfly.Grpc.Protocol;

/// <summary>Which HTTP headers are protocol-owned and which are user metadata.</summary>
internal static class MetadataHeaders
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type",
        "content-length",
        "te",
        "host",
        "connection",
        "transfer-encoding",
        "trailer",
        GrpcProtocol.TimeoutHeader,
        GrpcProtocol.EncodingHeader,
        GrpcProtocol.AcceptEncodingHeader,
        GrpcProtocol.StatusHeader,
        GrpcProtocol.MessageHeader,
    };

    public static bool IsReserved(string name) => name.StartsWith(':') || Reserved.Contains(name);

    public static Metadata ToMetadata(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers)
        {
            if (!IsReserved(name))
            {
                foreach (var value in values)
                {
                    metadata.AddReceived(name, value);
                }
            }
        }

        return metadata;
    }

    public static Metadata ToMetadata(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers)
        {
            if (!IsReserved(name))
            {
                foreach (var value in values)
                {
                    metadata.AddReceived(name, value ?? string.Empty);
                }
            }
        }

        return metadata;
    }
}
