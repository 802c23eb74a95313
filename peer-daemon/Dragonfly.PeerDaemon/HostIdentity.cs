using Dragonfly.Protocol.V1;

namespace Dragonfly.PeerDaemon;

/// <summary>
/// Who this host is to the supernodes. Complete only once the piece server's port is bound; readers get their
/// own copy, so nothing serializes a message while another thread changes it.
/// </summary>
public sealed class HostIdentity(PeerDaemonOptions options)
{
    private readonly TaskCompletionSource<HostInfo> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = options.EffectiveHostId;

    /// <summary>Completes with the host's info once the upload port is known.</summary>
    public async Task<HostInfo> GetAsync(CancellationToken cancellationToken) =>
        (await _bound.Task.WaitAsync(cancellationToken)).Clone();

    public void Bind(int uploadPort) => _bound.TrySetResult(new HostInfo
    {
        Id = Id,
        Ip = options.EffectiveAdvertiseIp,
        Hostname = Environment.MachineName,
        DownloadPort = uploadPort,
        Location = options.Location,
    });
}
