using Dragonfly.Grpc;
using Dragonfly.LocalCluster;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// One download through a peer daemon's local API, as dfget makes it (the same gRPC call), without starting a
/// dfget process per peer: hundreds of process starts would load the two cores exactly when timing begins.
/// </summary>
public static class LocalApiDownload
{
    /// <param name="digest">The file's <c>sha256:...</c> digest; the daemon verifies the assembled content against it, as with <c>dfget --digest</c>.</param>
    /// <param name="startedAt">The common start (a <see cref="TimeProvider.GetTimestamp"/> value) completion times count from.</param>
    public static async Task<PeerCompletion> RunAsync(PeerHandle peer, Uri url, string digest, string output, long startedAt, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(new Uri("http://" + peer.ApiAddress));
        var request = new DownloadRequest { Url = url.ToString(), UrlMeta = new UrlMeta { Digest = digest }, Output = output };
        DownloadProgress? last = null;
        try
        {
            using var call = new DaemonClient(channel).Download(request, new CallOptions(CancellationToken: cancellationToken));
            await foreach (var progress in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                last = progress;
            }
        }
        catch (RpcException e)
        {
            return Failed(peer, startedAt, $"{e.StatusCode}: {e.Status.Detail}");
        }
        var seconds = TimeProvider.System.GetElapsedTime(startedAt).TotalSeconds;
        if (last is not { Done: true })
        {
            return Failed(peer, startedAt, "the daemon ended the call without a done message");
        }
        var traffic = last.Traffic ?? new TrafficStats();
        return new PeerCompletion(peer.Name, seconds, null, traffic.FromSource, traffic.FromSeed, traffic.FromPeers);
    }

    private static PeerCompletion Failed(PeerHandle peer, long startedAt, string error) =>
        new(peer.Name, TimeProvider.System.GetElapsedTime(startedAt).TotalSeconds, error, 0, 0, 0);
}
