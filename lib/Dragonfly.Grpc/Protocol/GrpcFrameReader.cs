using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Dragonfly.Grpc.Protocol;

/// <summary>Reads length-prefixed gRPC messages (1 byte compressed flag, 4 bytes big-endian length, payload).</summary>
internal static class GrpcFrameReader
{
    /// <summary>Reads the next message, or returns null when the stream ended cleanly between messages.</summary>
    /// <exception cref="RpcException">Truncated frame, compressed frame, oversized or unparsable message.</exception>
    public static async ValueTask<T?> ReadMessageAsync<T>(
        PipeReader reader,
        MessageParser<T> parser,
        int maxMessageSize,
        CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (buffer.Length >= GrpcProtocol.HeaderSize)
                {
                    var length = ReadHeader(buffer, maxMessageSize);
                    if (buffer.Length >= GrpcProtocol.HeaderSize + length)
                    {
                        var payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
                        consumed = payload.End;
                        examined = consumed;
                        return Parse(parser, payload);
                    }
                }

                if (result.IsCompleted)
                {
                    if (buffer.IsEmpty)
                    {
                        return null;
                    }

                    consumed = buffer.End;
                    throw new RpcException(new Status(StatusCode.Internal, "Incomplete message: the stream ended inside a gRPC frame."));
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("Reading the message stream was canceled.");
                }
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }
    }

    private static long ReadHeader(ReadOnlySequence<byte> buffer, int maxMessageSize)
    {
        Span<byte> header = stackalloc byte[GrpcProtocol.HeaderSize];
        buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(header);
        switch (header[0])
        {
            case 0:
                break;
            case 1:
                throw new RpcException(new Status(
                    StatusCode.Internal,
                    "Received a compressed message, but compression is not supported (grpc-encoding is identity)."));
            default:
                throw new RpcException(new Status(StatusCode.Internal, $"Invalid gRPC frame: compressed flag is {header[0]}."));
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > maxMessageSize)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"Received message of {length} bytes exceeds the maximum configured message size of {maxMessageSize} bytes."));
        }

        return length;
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> payload)
        where T : class, IMessage<T>
    {
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to parse message: " + ex.Message));
        }
    }
}
