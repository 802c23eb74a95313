using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace Dragonfly.Grpc.Protocol;

/// <summary>Writes length-prefixed gRPC messages, never compressed.</summary>
internal static class GrpcFrameWriter
{
    /// <summary>One frame in a new array of exactly its size (for single-message request bodies).</summary>
    public static byte[] CreateFrame(IMessage message, int? maxMessageSize)
    {
        var size = CheckSize(message, maxMessageSize);
        var frame = new byte[GrpcProtocol.HeaderSize + size];
        Fill(frame, message, size);
        return frame;
    }

    /// <summary>Writes one frame and flushes it, so streamed messages leave immediately.</summary>
    public static async Task WriteAsync(Stream stream, IMessage message, int? maxMessageSize, CancellationToken cancellationToken)
    {
        var size = CheckSize(message, maxMessageSize);
        var frameLength = GrpcProtocol.HeaderSize + size;
        var buffer = ArrayPool<byte>.Shared.Rent(frameLength);
        try
        {
            Fill(buffer, message, size);
            await stream.WriteAsync(buffer.AsMemory(0, frameLength), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int CheckSize(IMessage message, int? maxMessageSize)
    {
        ArgumentNullException.ThrowIfNull(message);
        var size = message.CalculateSize();
        if (size > maxMessageSize)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"Sending message of {size} bytes exceeds the maximum configured message size of {maxMessageSize} bytes."));
        }

        return size;
    }

    private static void Fill(byte[] buffer, IMessage message, int size)
    {
        buffer[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1, 4), (uint)size);
        message.WriteTo(buffer.AsSpan(GrpcProtocol.HeaderSize, size));
    }
}
