using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;

namespace Dragonfly.Transfer;

/// <summary>
/// Fetches one piece from a parent by range GET into a caller-owned buffer and verifies it as a link of the
/// content's SHA-256 chain: from <c>start</c> (the previous piece's digest) over its bytes to the digest the seed
/// computed (<see cref="PieceDigest"/>). The buffer's content is only meaningful when the result is <see cref="PieceFetchStatus.Ok"/>.
/// </summary>
public sealed class PieceFetcher(HttpClient http, TimeProvider time)
{
    private const int ReadChunk = 1024 * 1024;

    /// <summary>Connections one host keeps to one parent, across all its tasks (the dispatcher limits each task).</summary>
    public const int MaxConnectionsPerParentHost = 128;

    public async Task<PieceFetchResult> FetchAsync(
        Uri parentBase, TaskId taskId, Piece piece, PieceDigest start, Memory<byte> buffer,
        IReadOnlyList<ByteRateLimiter> limiters, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (buffer.Length < piece.Size)
        {
            throw new ArgumentException($"buffer of {buffer.Length} bytes cannot hold piece {piece.Number} of {piece.Size}", nameof(buffer));
        }
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(parentBase, PieceServerEndpoints.RoutePrefix + taskId.Value));
            request.Headers.Range = new RangeHeaderValue(piece.Offset, piece.End - 1);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                return Result(PieceFetchStatus.NotHeld, $"parent answered {(int)response.StatusCode}", started);
            }
            if (response.StatusCode != HttpStatusCode.PartialContent)
            {
                return Result(PieceFetchStatus.Unreachable, $"parent answered {(int)response.StatusCode} instead of 206", started);
            }
            await using var body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            using var chain = Sha256Chain.Resume(start, piece.Offset);
            var filled = 0;
            var turn = new ThreadSlice();
            while (true)
            {
                // Read one byte past the piece so an over-long answer is caught too.
                var want = Math.Min(ReadChunk, piece.Size + 1 - filled);
                var slice = filled < piece.Size ? buffer.Slice(filled, Math.Min(want, piece.Size - filled)) : new byte[1];
                var read = await body.ReadAsync(slice, linked.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                if (filled >= piece.Size)
                {
                    return Result(PieceFetchStatus.Truncated, $"parent sent more than the {piece.Size} bytes of piece {piece.Number}", started);
                }
                foreach (var limiter in limiters)
                {
                    await limiter.AcquireAsync(read, linked.Token).ConfigureAwait(false);
                }
                chain.Append(buffer.Span.Slice(filled, read));
                filled += read;
                await turn.PassAsync().ConfigureAwait(false);
            }
            if (filled != piece.Size)
            {
                return Result(PieceFetchStatus.Truncated, $"parent sent {filled} of the {piece.Size} bytes of piece {piece.Number}", started);
            }
            var actual = chain.EndOfPiece(last: piece.Digest.IsFinal);
            return actual == piece.Digest
                ? Result(PieceFetchStatus.Ok, null, started)
                : Result(PieceFetchStatus.DigestMismatch, $"piece {piece.Number} ends the SHA-256 chain at {actual?.ToString() ?? "no block boundary"}, the seed computed {piece.Digest}", started);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Result(PieceFetchStatus.Timeout, $"no complete piece within {timeout.TotalSeconds:0.#} s", started);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Cancelled by neither the caller nor the piece deadline: the handler's own connect timeout.
            return Result(PieceFetchStatus.Unreachable, e.Message, started);
        }
        catch (HttpRequestException e)
        {
            return Result(PieceFetchStatus.Unreachable, e.Message, started);
        }
        catch (IOException e)
        {
            return Result(PieceFetchStatus.Unreachable, e.Message, started);
        }
    }

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress localAddress, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(localAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(localAddress, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private PieceFetchResult Result(PieceFetchStatus status, string? detail, long started) =>
        new(status, detail, time.GetElapsedTime(started));

    /// <summary>
    /// An HttpClient suited to piece traffic between hosts. With <paramref name="localAddress"/> set,
    /// connections leave from that address (the host's own), so parents see who is asking. The client is shared by
    /// every task of the host, so <paramref name="maxConnectionsPerParent"/> must cover all of them: how many pieces
    /// go to one parent at once is the dispatcher's decision per task, and a small pool here would queue requests of
    /// concurrent tasks behind each other (five layers of one image all fetching from the seed).
    /// </summary>
    public static HttpClient CreateHttpClient(int maxConnectionsPerParent, IPAddress? localAddress = null, System.Net.Security.SslClientAuthenticationOptions? ssl = null) =>
        new(new SocketsHttpHandler
        {
            SslOptions = ssl ?? new System.Net.Security.SslClientAuthenticationOptions(),
            ConnectCallback = localAddress is null ? null : (context, cancellationToken) => ConnectFromAsync(localAddress, context, cancellationToken),
            MaxConnectionsPerServer = maxConnectionsPerParent,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
        })
        { Timeout = Timeout.InfiniteTimeSpan };

}
