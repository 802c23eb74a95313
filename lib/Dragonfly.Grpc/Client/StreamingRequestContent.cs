using System.Net;
using System.Net.Http.Headers;
using Dragonfly.Grpc.Protocol;

namespace Dragonfly.Grpc.Client;

/// <summary>
/// A request body that stays open while the response is read (HTTP/2 full duplex): the handler hands us its
/// request stream, writers write frames to it, and <see cref="Complete"/> ends it with END_STREAM.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent() => Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentType);

    /// <summary>The request stream, once the handler has sent the request headers.</summary>
    public Task<Stream> GetStreamAsync(CancellationToken cancellationToken) => _stream.Task.WaitAsync(cancellationToken);

    /// <summary>Ends the request body.</summary>
    public void Complete() => _completed.TrySetResult();

    /// <summary>Ends the request body abnormally, so the handler resets the stream.</summary>
    public void Abort()
    {
        _stream.TrySetCanceled();
        _completed.TrySetCanceled();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
