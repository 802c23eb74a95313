using System.Net;
using System.Net.Sockets;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary>
/// A loopback TCP relay in front of the apiserver (TLS passes through untouched) that a test can cut:
/// <see cref="SeverAndHold"/> drops every relayed connection and parks new ones, unconnected, until
/// <see cref="Resume"/>. A client behind it sees its watch end and cannot watch again until the test allows it.
/// </summary>
public sealed class SeveringTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly Lock _gate = new();
    private readonly List<Socket> _open = [];
    private readonly List<Task> _relays = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private TaskCompletionSource _resumed = Resumed();
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SeveringTcpProxy(Uri upstream)
    {
        _upstream = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        _listener.Start();
        Address = new Uri($"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect instead of the apiserver.</summary>
    public Uri Address { get; }

    /// <summary>Completes when a connection arrives while held: a client has tried to reconnect.</summary>
    public Task Held
    {
        get
        {
            lock (_gate)
            {
                return _held.Task;
            }
        }
    }

    public void SeverAndHold()
    {
        Socket[] open;
        lock (_gate)
        {
            if (_resumed.Task.IsCompleted)
            {
                _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            open = [.. _open];
            _open.Clear();
        }
        foreach (var socket in open)
        {
            socket.Dispose();
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _resumed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        SeverAndHold();
        Resume();
        Task[] relays;
        lock (_gate)
        {
            relays = [.. _relays];
        }
        await Task.WhenAll(relays.Append(_accepting));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException && _stop.IsCancellationRequested)
            {
                return; // stopped by DisposeAsync
            }
            lock (_gate)
            {
                _relays.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            Task resumed;
            lock (_gate)
            {
                resumed = _resumed.Task;
                if (!resumed.IsCompleted)
                {
                    _held.TrySetResult();
                }
            }
            await resumed;
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            await upstream.ConnectAsync(_upstream, _stop.Token);
            lock (_gate)
            {
                _open.Add(client);
                _open.Add(upstream);
            }
            await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
    }

    private static TaskCompletionSource Resumed()
    {
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        resumed.SetResult();
        return resumed;
    }

    /// <summary>Copies one direction until either side closes; a side closed by <see cref="SeverAndHold"/> ends it too.</summary>
    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The other side went away or the test severed the connection: that is how a relay ends.
        }
        from.Dispose();
        to.Dispose();
    }
}
