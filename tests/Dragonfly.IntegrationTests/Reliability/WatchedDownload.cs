using Dragonfly.Grpc;
using Dragonfly.LocalCluster;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>A download through a peer's local API whose progress the test reads as it goes.</summary>
public sealed class WatchedDownload : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncServerStreamingCall<DownloadProgress> _call;

    /// <param name="digest">The content's digest, pinned as dfget's <c>--digest</c> pins it; null for none.</param>
    public WatchedDownload(PeerHandle peer, string url, string output, string? digest = null)
    {
        Peer = peer;
        Output = output;
        _channel = GrpcChannel.ForAddress(new Uri("http://" + peer.ApiAddress));
        _call = new DaemonClient(_channel).Download(new DownloadRequest { Url = url, Output = output, UrlMeta = new UrlMeta { Digest = digest ?? "" } });
    }

    public PeerHandle Peer { get; }

    public string Output { get; }

    /// <summary>The latest progress message; null before the first.</summary>
    public DownloadProgress? Last { get; private set; }

    /// <summary>Reads progress until at least <paramref name="bytes"/> are held; false when the stream ended first.</summary>
    public async Task<bool> WaitForBytesAsync(long bytes, CancellationToken cancellationToken)
    {
        while (await _call.ResponseStream.MoveNext(cancellationToken))
        {
            Last = _call.ResponseStream.Current;
            if (Last.CompletedBytes >= bytes)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Reads progress to the end; the last message (Done when it completed).</summary>
    public async Task<DownloadProgress?> WaitForEndAsync(CancellationToken cancellationToken)
    {
        while (Last is not { Done: true } && await _call.ResponseStream.MoveNext(cancellationToken))
        {
            Last = _call.ResponseStream.Current;
        }
        return Last;
    }

    public ValueTask DisposeAsync()
    {
        _call.Dispose();
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
