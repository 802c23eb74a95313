namespace Dragonfly.Supernode.Scheduling;

/// <summary>
/// Decides which pieces the seed offers to a child. The seed's uplink is the scarcest link, so it hands out
/// the rarest pieces, a few per child at a time, and only pieces the child's parents cannot give it; while
/// a piece has ceil(downloading peers / fanout) copies in the swarm, counting seed copies on their way, it is
/// left to the peers, also for a child with no useful parent yet: a copy on its way makes a parent soon, and
/// handing the one new piece to every waiting child split the seed's uplink over copies of it (at N = 10 the
/// seed sent the only piece to 8 peers at once, 7.5 s each instead of 1 s for the first). A piece that has a copy
/// (held or on its way) is handed out again only while the seed has nothing else in flight for the task: a second
/// copy of an old piece shares the uplink with the next new one, which every peer is waiting for, and when the
/// seed fetches at the rate it uploads (a registry as slow as the seed's uplink) each such copy delays the whole
/// swarm by a piece. The seed never has
/// more than <see cref="SchedulerOptions.SeedSlotsTotal"/> pieces in flight for one task: its uplink split over
/// hundreds of transfers would finish none of them soon, while a few at a time each reach a peer quickly and
/// are passed on from there.
/// </summary>
internal sealed class SeedOfferPolicy(SchedulerOptions options, Random random)
{
    public void TopUp(SchedulingTask task, SchedulingPeer child)
    {
        var seed = task.Seed;
        var slots = task.KnownSlots;
        if (!child.IsDownloading || seed.Held.Count == 0 || slots == 0)
        {
            return;
        }
        var target = Math.Max(1, (task.DownloadingPeers + options.SeedFanout - 1) / options.SeedFanout);
        var childSlots = Math.Max(options.SeedSlotsPerPeer, options.SeedSlotsTotal / Math.Max(1, task.DownloadingPeers));
        while (child.SeedOffers.Count < childSlots && task.SeedInFlightTotal < options.SeedSlotsTotal)
        {
            var best = -1;
            var bestAvailability = int.MaxValue;
            var start = random.Next(slots);
            for (var i = 0; i < slots; i++)
            {
                var k = (start + i) % slots;
                if (!seed.Held[k] || child.Held[k] || child.SeedOffers.Contains(k) || ParentHolds(child, k))
                {
                    continue;
                }
                var availability = task.Availability(k);
                if (availability >= target || (availability > 0 && task.SeedInFlightTotal > 0))
                {
                    continue;
                }
                if (availability < bestAvailability)
                {
                    best = k;
                    bestAvailability = availability;
                }
            }
            if (best < 0)
            {
                return;
            }
            child.SeedOffers.Add(best);
            task.AddSeedInFlight(best, 1);
        }
    }

    /// <summary>Withdraws every offer to <paramref name="child"/>.</summary>
    public static void Release(SchedulingTask task, SchedulingPeer child)
    {
        foreach (var k in child.SeedOffers)
        {
            task.AddSeedInFlight(k, -1);
        }
        child.SeedOffers.Clear();
    }

    private static bool ParentHolds(SchedulingPeer child, int piece)
    {
        foreach (var parent in child.Parents)
        {
            if (parent.Held[piece])
            {
                return true;
            }
        }
        return false;
    }
}
