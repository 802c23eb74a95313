using System.Net;
using System.Net.Sockets;
using Dragonfly.Core.RateLimiting;

namespace Dragonfly.Bench.Mirror;

/// <summary>
/// A TCP relay on loopback that puts a registry behind a link of fixed bandwidth, as a registry across a network
/// is: every byte the registry sends, on all connections together, passes one token bucket. Requests go through
/// unshaped. Both a direct pull and the mirror's seed reach the registry through it, so both see the same link.
/// (The kernel here has no u32 classifier to shape one port of <c>lo</c> with tc, and a veth would need addresses
/// outside loopback.)
/// </summary>
public sealed class ShapedLink : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly ByteRateLimiter _link;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ShapedLink(IPEndPoint target, long bytesPerSecond)
    {
        _target = target;
        _link = new ByteRateLimiter(bytesPerSecond, burst: 1 << 20);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Host = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    /// <summary>host:port of the shaped side.</summary>
    public string Host { get; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var _ = client;
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            await Task.WhenAll(CopyAsync(client, upstream, shaped: false), CopyAsync(upstream, client, shaped: true));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            // One side closed or reset: the client sees its connection end, as over a real link.
        }
    }

    private async Task CopyAsync(Socket from, Socket to, bool shaped)
    {
        var buffer = new byte[ChunkSize];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                if (shaped)
                {
                    await _link.AcquireAsync(read, _stop.Token);
                }
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        finally
        {
            if (to.Connected)
            {
                to.Shutdown(SocketShutdown.Send);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
