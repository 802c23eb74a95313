using Dragonfly.Grpc;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.Protocol.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon.Scheduling;

/// <summary>Tells every supernode this host exists (with its limits) periodically, and that it leaves on shutdown.</summary>
public sealed partial class HostAnnouncer(
    SupernodeSelector supernodes, DownloadEnvironment env, TimeProvider time, ILogger<HostAnnouncer> logger) : BackgroundService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);
    private TimeSpan _interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var host = await env.Host.GetAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var supernode in supernodes.All)
            {
                try
                {
                    var response = await supernode.AnnounceHostAsync(new AnnounceHostRequest
                    {
                        Host = host,
                        UploadRateLimit = env.Limits.Upload.BytesPerSecond,
                        DownloadRateLimit = env.Limits.Download.BytesPerSecond,
                    }, new CallOptions(Deadline: time.GetUtcNow().UtcDateTime + CallTimeout, CancellationToken: stoppingToken));
                    if (response.IntervalSeconds > 0)
                    {
                        _interval = TimeSpan.FromSeconds(response.IntervalSeconds);
                    }
                }
                catch (RpcException e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogAnnounceFailed(supernode.Address, e.StatusCode, e.Status.Detail);
                }
            }
            await Task.Delay(_interval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(supernodes.All.Select(async supernode =>
        {
            try
            {
                await supernode.LeaveHostAsync(new LeaveHostRequest { HostId = env.Host.Id },
                    new CallOptions(Deadline: time.GetUtcNow().UtcDateTime + CallTimeout, CancellationToken: cancellationToken));
            }
            catch (RpcException e)
            {
                LogLeaveFailed(supernode.Address, e.StatusCode);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing this host to supernode {Address} failed: {Status} {Detail}")]
    private partial void LogAnnounceFailed(Uri address, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Supernode {Address} did not hear that this host leaves: {Status}")]
    private partial void LogLeaveFailed(Uri address, StatusCode status);
}
