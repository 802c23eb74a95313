using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.Protocol.V1;
using Dragonfly.Operator.Entities;

namespace Dragonfly.Operator.Preheat;

/// <summary>
/// Talks to the supernodes for one PreheatTask: submits items to their home replica (rendezvous hashing over the
/// same addresses peers use, so the warmed copy is where peers will look) and reads back how far each got.
/// </summary>
public sealed class PreheatProgressTracker(SupernodeClients clients, TimeProvider time)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private const int MaxResubmits = 3;

    /// <summary>Asks each item's home supernode to fetch it; returns the item statuses. Idempotent at the supernode.</summary>
    public async Task<List<PreheatItemStatus>> SubmitAsync(IReadOnlyList<PreheatItem> items, IReadOnlyList<Uri> supernodes,
        IReadOnlyList<PreheatItemStatus> previous, CancellationToken cancellationToken)
    {
        var result = new List<PreheatItemStatus>();
        foreach (var item in items)
        {
            var taskId = item.TaskId;
            var old = previous.FirstOrDefault(p => p.TaskId == taskId.Value);
            if (old is { State: PreheatItemState.Succeeded })
            {
                result.Add(old);
                continue;
            }
            var home = RendezvousHash.Order(taskId, supernodes, a => a.Authority)[0];
            var meta = new UrlMeta { Digest = item.Digest ?? string.Empty };
            foreach (var (name, value) in item.Headers)
            {
                meta.Header[name] = value;
            }
            var response = await clients.For(home).PreheatAsync(new PreheatRequest { Url = item.Url, UrlMeta = meta }, Options(cancellationToken));
            result.Add(new PreheatItemStatus
            {
                Source = item.DisplaySource,
                Url = item.DisplayUrl,
                Digest = item.Digest,
                TaskId = response.TaskId,
                Supernode = home.Authority,
                Bytes = item.Bytes is >= 0 ? item.Bytes : null,
                Resubmits = old?.Resubmits ?? 0,
                State = response.State == TaskState.Succeeded ? PreheatItemState.Succeeded : PreheatItemState.Running,
                BytesDone = response.State == TaskState.Succeeded ? item.Bytes ?? 0 : 0,
            });
        }
        return result;
    }

    /// <summary>
    /// Refreshes unfinished items from their supernode. Returns true when some item must be submitted again (its
    /// supernode no longer knows the task, e.g. after a restart).
    /// </summary>
    public async Task<bool> RefreshAsync(List<PreheatItemStatus> items, IReadOnlyList<Uri> supernodes, CancellationToken cancellationToken)
    {
        var resubmit = false;
        foreach (var item in items.Where(i => i.State is PreheatItemState.Running or PreheatItemState.Pending))
        {
            var address = supernodes.FirstOrDefault(s => s.Authority == item.Supernode);
            if (address is null || item.TaskId is null)
            {
                resubmit = true;
                continue;
            }
            StatTaskResponse stat;
            try
            {
                stat = await clients.For(address).StatTaskAsync(new StatTaskRequest { TaskId = item.TaskId }, Options(cancellationToken));
            }
            catch (RpcException e) when (e.Status.StatusCode == StatusCode.NotFound)
            {
                // The supernode restarted, or its fetch failed and it forgot the task: try again a few times only.
                if (item.Resubmits >= MaxResubmits)
                {
                    item.State = PreheatItemState.Failed;
                    item.Error = $"supernode {item.Supernode} lost the task {item.Resubmits + 1} times; its fetch from the source probably failed (see the supernode's log)";
                    continue;
                }
                item.Resubmits++;
                resubmit = true;
                continue;
            }
            if (stat.ContentLength >= 0)
            {
                item.Bytes = stat.ContentLength;
            }
            switch (stat.State)
            {
                case TaskState.Succeeded:
                    item.State = PreheatItemState.Succeeded;
                    item.BytesDone = Math.Max(stat.ContentLength, 0);
                    break;
                case TaskState.Failed:
                    item.State = PreheatItemState.Failed;
                    item.Error = string.IsNullOrEmpty(stat.Error) ? "the supernode failed to fetch it" : stat.Error;
                    break;
                default:
                    item.State = PreheatItemState.Running;
                    item.BytesDone = stat.PieceCount > 0 && stat.ContentLength > 0
                        ? Math.Min(stat.ContentLength, stat.ContentLength * stat.SeedPieces / stat.PieceCount)
                        : 0;
                    break;
            }
        }
        return resubmit;
    }

    private CallOptions Options(CancellationToken cancellationToken) =>
        new(Deadline: time.GetUtcNow().UtcDateTime + CallTimeout, CancellationToken: cancellationToken);
}
