using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;
using Dragonfly.Supernode.Scheduling;

namespace Dragonfly.Supernode.Tests.Scheduling;

public sealed class SchedulerTests
{
    [Test]
    public async Task Register_FiftyPeersAtOnce_OneSeedFetch()
    {
        var h = new SchedulerHarness();
        var registrations = Enumerable.Range(0, 50).Select(i => h.Scheduler.RegisterAsync(
            SchedulerHarness.Task(), new Dragonfly.Core.ContentKey("http://origin/blob"), new Dictionary<string, string>(),
            $"p{i}", new HostInfo { Id = $"h{i}", Ip = "10.0.0.9", DownloadPort = 1 }, CancellationToken.None)).ToArray();
        h.Scheduler.DrainForTesting();
        await Task.WhenAll(registrations);

        Assert.That(h.Seed.FetchesStarted, Has.Count.EqualTo(1));
        Assert.That(registrations.Select(r => r.Result.State), Is.All.EqualTo(TaskState.Running));
    }

    [Test]
    public async Task Register_CompletedContentInSeedCache_NoFetchAndSucceeded()
    {
        var h = new SchedulerHarness();
        h.Seed.Cached[SchedulerHarness.Task()] = new SeedSnapshot(8, 4, [FakeSeed.PieceOf(0, 4), FakeSeed.PieceOf(1, 4)], null);

        var response = await h.RegisterAsync("p1");

        Assert.That(h.Seed.FetchesStarted, Is.Empty);
        Assert.That(response.State, Is.EqualTo(TaskState.Succeeded));
        Assert.That(response.ContentLength, Is.EqualTo(8));
    }

    [Test]
    public async Task SeedPieceStored_SentToEveryPeerWithDigest_AndOfferedBySeed()
    {
        var h = new SchedulerHarness();
        await h.ConnectAsync("p1");
        h.Seed.Store(SchedulerHarness.Task(), 3L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0);
        h.Scheduler.DrainForTesting();

        var packet = h.Latest("p1")!;

        Assert.That(packet.PieceCount, Is.EqualTo(3));
        var all = packet.Pieces;
        Assert.That(all.Select(p => p.Number), Does.Contain(0));
        Assert.That(all.Single(p => p.Number == 0).Digest, Is.EqualTo(FakeSeed.PieceOf(0, SchedulerHarness.PieceSize).Digest.ToString()));
        var seed = packet.Parents.Single(p => p.IsSeed);
        Assert.That(Bitfield.FromBytes(seed.Pieces.Span)[0], Is.True, "the seed offers the only piece that exists");
    }

    [Test]
    public async Task UnchangedPlan_IsNotSentAgain_AReopenedStreamGetsItAgain()
    {
        var h = new SchedulerHarness();
        await h.ConnectAsync("p1");
        h.Seed.Store(SchedulerHarness.Task(), 4L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0, 1, 2, 3);
        h.Scheduler.DrainForTesting();
        h.Report("p1", 0, h.SeedPeerId);
        var afterFirst = h.Latest("p1");

        h.Report("p1", 0, h.SeedPeerId); // a repeated report marks the peer dirty but changes nothing

        Assert.That(afterFirst, Is.Not.Null);
        Assert.That(h.Latest("p1"), Is.Null, "the same packet again would only make the daemon re-plan for nothing");
        await h.ConnectAsync("p1");
        Assert.That(h.Latest("p1")?.Pieces, Has.Count.EqualTo(4), "a new stream starts from scratch: all metadata, current parents");
    }

    [Test]
    public async Task SeedOffers_AtMostSlotsPerPeer_RarestFirst()
    {
        var h = new SchedulerHarness(new SchedulerOptions { Shards = 1, SeedSlotsPerPeer = 2, SeedSlotsTotal = 4 });
        await h.ConnectAsync("p1");
        await h.ConnectAsync("p2");
        h.Seed.Store(SchedulerHarness.Task(), 8L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0, 1, 2, 3, 4, 5, 6, 7);
        h.Scheduler.DrainForTesting();

        var offers1 = SeedOffers(h.Latest("p1")!);
        var offers2 = SeedOffers(h.Latest("p2")!);

        Assert.That(offers1, Has.Count.EqualTo(2));
        Assert.That(offers2, Has.Count.EqualTo(2));
        Assert.That(offers1.Intersect(offers2), Is.Empty, "the seed spreads different pieces over different peers");
    }

    [Test]
    public async Task SeedOffers_LonePeer_GetsTheSeedsTotalSlots()
    {
        var h = new SchedulerHarness(new SchedulerOptions { Shards = 1, SeedSlotsPerPeer = 2, SeedSlotsTotal = 8 });
        await h.ConnectAsync("p1");
        h.Seed.Store(SchedulerHarness.Task(), 16L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, Enumerable.Range(0, 16).ToArray());
        h.Scheduler.DrainForTesting();

        Assert.That(SeedOffers(h.Latest("p1")!), Has.Count.EqualTo(8), "one node pulling a layer alone is not held to two pieces in flight");
    }

    [Test]
    public async Task SeedOffers_ManyPeers_AtMostSlotsTotalInFlightForTheTask()
    {
        var h = new SchedulerHarness(new SchedulerOptions { Shards = 1, SeedSlotsPerPeer = 2, SeedSlotsTotal = 8, SeedFanout = 1 });
        var peers = Enumerable.Range(0, 20).Select(i => $"p{i}").ToArray();
        foreach (var peer in peers)
        {
            await h.ConnectAsync(peer);
        }
        h.Seed.Store(SchedulerHarness.Task(), 64L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, Enumerable.Range(0, 64).ToArray());
        h.Scheduler.DrainForTesting();

        var offered = peers.Sum(p => SeedOffers(h.Latest(p)!).Count);

        Assert.That(offered, Is.EqualTo(8), "20 peers × 2 slots would split the seed's uplink 40 ways");
    }

    [Test]
    public async Task SeedOffers_TheOnlyPieceGoesOutOnce_ThenAgainOnlyToAPeerNoParentCanServe()
    {
        var h = new SchedulerHarness(new SchedulerOptions { Shards = 1, SeedSlotsPerPeer = 2, SeedSlotsTotal = 8, SeedFanout = 4, MaxChildrenPerParent = 6 });
        var peers = Enumerable.Range(0, 8).Select(i => $"p{i}").ToArray();
        foreach (var peer in peers)
        {
            await h.ConnectAsync(peer);
        }
        h.Seed.Store(SchedulerHarness.Task(), 16L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0);
        h.Scheduler.DrainForTesting();

        var first = peers.Where(p => h.Latest(p) is { } packet && SeedOffers(packet).Contains(0)).ToArray();
        Assert.That(first, Has.Length.EqualTo(1), "a second copy on its way would split the seed's uplink; the others wait for the first holder");

        h.Report(first[0], 0, h.SeedPeerId);
        var others = peers.Where(p => p != first[0]).ToDictionary(p => p, p => h.Latest(p)!);
        var children = others.Where(p => p.Value.Parents.Any(parent => parent.PeerId == first[0])).Select(p => p.Key).ToArray();
        var offeredAgain = others.Where(p => SeedOffers(p.Value).Contains(0)).Select(p => p.Key).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(children, Has.Length.EqualTo(6), "the holder takes maxChildrenPerParent children");
            Assert.That(offeredAgain, Is.EqualTo(others.Keys.Except(children).ToArray()),
                "the seed, idle, gives a second copy (of ceil(8 / 4) = 2) to the one peer no parent can serve");
        });
    }

    [Test]
    public async Task ACurrentParentWithPiecesToGive_IsKept_EvenWhenAnotherHoldsMore()
    {
        var h = new SchedulerHarness(new SchedulerOptions { Shards = 1, MaxParents = 1 });
        foreach (var peer in new[] { "first", "rich", "child" })
        {
            await h.ConnectAsync(peer);
        }
        h.Seed.Store(SchedulerHarness.Task(), 4L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0, 1, 2, 3);
        h.Scheduler.DrainForTesting();
        h.Report("first", 0, h.SeedPeerId);
        var before = h.Latest("child")!;
        Assert.That(before.Parents.Where(p => !p.IsSeed).Select(p => p.PeerId), Is.EqualTo(new[] { "first" }));

        foreach (var piece in new[] { 0, 1, 2, 3 })
        {
            h.Report("rich", piece, h.SeedPeerId);
        }
        h.Report("child", 3, h.SeedPeerId); // the child's own progress has its parents chosen again

        // No packet at all means no change: an unchanged packet is not sent again.
        Assert.That((h.Latest("child") ?? before).Parents.Where(p => !p.IsSeed).Select(p => p.PeerId), Is.EqualTo(new[] { "first" }),
            "switching drops a parent with a transfer in flight that no load count sees; the child moves on once 'first' has nothing left for it");
    }

    [Test]
    public async Task AParentServingMaxChildren_IsNotGivenMore()
    {
        var h = new SchedulerHarness(new SchedulerOptions { Shards = 1, MaxChildrenPerParent = 2 });
        foreach (var peer in new[] { "holder", "a", "b", "c" })
        {
            await h.ConnectAsync(peer);
        }
        h.Seed.Store(SchedulerHarness.Task(), 4L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0, 1, 2, 3);
        h.Scheduler.DrainForTesting();

        h.Report("holder", 3, h.SeedPeerId);

        var withHolder = new[] { "a", "b", "c" }.Count(p => h.Latest(p)!.Parents.Any(parent => parent.PeerId == "holder"));
        Assert.That(withHolder, Is.EqualTo(2), "children of one parent, with maxChildrenPerParent 2");
    }

    [Test]
    public async Task PieceFromPeer_OffersItToOtherPeers()
    {
        var h = new SchedulerHarness();
        await h.ConnectAsync("p1");
        await h.ConnectAsync("p2");
        h.Seed.Store(SchedulerHarness.Task(), 4L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0, 1, 2, 3);
        h.Scheduler.DrainForTesting();
        var offered = SeedOffers(h.Latest("p1")!).First();

        h.Report("p1", offered, h.SeedPeerId);

        var p1AsParent = h.Latest("p2")!.Parents.Single(p => p.PeerId == "p1");
        Assert.That(Bitfield.FromBytes(p1AsParent.Pieces.Span)[offered], Is.True);
    }

    [Test]
    public async Task ParentsNewPiece_ThatTheChildHolds_SendsNothing_OneItLacks_IsSent()
    {
        var h = new SchedulerHarness();
        await h.ConnectAsync("parent");
        await h.ConnectAsync("child");
        h.Seed.Store(SchedulerHarness.Task(), 4L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0, 1, 2, 3);
        h.Scheduler.DrainForTesting();
        h.Report("parent", 0, h.SeedPeerId);
        Assert.That(h.Latest("child")!.Parents.Select(p => p.PeerId), Does.Contain("parent"));
        h.Report("child", 1, h.SeedPeerId);
        h.Latest("child");

        h.Report("parent", 1, h.SeedPeerId);
        h.Report("child", 1, h.SeedPeerId); // a repeated report: the child is planned again, with nothing new
        var afterHeld = h.Latest("child");
        h.Report("parent", 2, h.SeedPeerId);
        var afterLacked = h.Latest("child");

        Assert.That(afterHeld, Is.Null, "the parent now has piece 1, which the child already holds: nothing for the child to do");
        Assert.That(afterLacked, Is.Not.Null, "piece 2 is one the child lacks");
        var offer = Bitfield.FromBytes(afterLacked!.Parents.Single(p => p.PeerId == "parent").Pieces.Span);
        Assert.That(new[] { offer[0], offer[1], offer[2], offer[3] }, Is.EqualTo(new[] { true, true, true, false }),
            "the packet that goes out carries the parent's whole offer, the piece held back before included");
    }

    [Test]
    public async Task CorruptPieceReported_ParentExcludedForGood()
    {
        var h = new SchedulerHarness();
        await h.ConnectAsync("liar");
        await h.ConnectAsync("p1");
        h.Seed.Store(SchedulerHarness.Task(), 4L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0, 1, 2, 3);
        h.Scheduler.DrainForTesting();
        foreach (var n in new[] { 0, 1, 2, 3 })
        {
            h.Report("liar", n, h.SeedPeerId);
        }
        Assert.That(h.Latest("p1")!.Parents.Select(p => p.PeerId), Does.Contain("liar"));

        h.Report("p1", 0, "liar", success: false, failure: PieceFailure.DigestMismatch);
        h.Time.Advance(TimeSpan.FromHours(1));
        h.Report("p1", 1, h.SeedPeerId);

        Assert.That(h.Latest("p1")!.Parents.Select(p => p.PeerId), Does.Not.Contain("liar"));
        Assert.That(h.Health.IsIsolated("liar-host"), Is.False, "host isolation decays; the task-level exclusion does not");
    }

    [Test]
    public async Task RepeatedUnreachable_IsolatesHostUntilQuietPeriodPasses()
    {
        var h = new SchedulerHarness();
        await h.ConnectAsync("flaky");
        await h.ConnectAsync("p1");
        h.Seed.Store(SchedulerHarness.Task(), 4L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0, 1, 2, 3);
        h.Scheduler.DrainForTesting();
        h.Report("flaky", 0, h.SeedPeerId);
        h.Report("flaky", 1, h.SeedPeerId);

        for (var i = 0; i < 3; i++)
        {
            h.Report("p1", 0, "flaky", success: false, failure: PieceFailure.Unreachable);
        }

        Assert.That(h.Health.IsIsolated("flaky-host"), Is.True);
        Assert.That(h.Latest("p1")!.Parents.Select(p => p.PeerId), Does.Not.Contain("flaky"));
        h.Time.Advance(h.Options.IsolationPeriod + TimeSpan.FromSeconds(1));
        Assert.That(h.Health.IsIsolated("flaky-host"), Is.False);
    }

    [Test]
    public async Task StreamClosedMidDownload_PeerRemovedFromChildrensParents()
    {
        var h = new SchedulerHarness();
        await h.ConnectAsync("p1");
        await h.ConnectAsync("p2");
        h.Seed.Store(SchedulerHarness.Task(), 4L * SchedulerHarness.PieceSize, SchedulerHarness.PieceSize, 0, 1, 2, 3);
        h.Scheduler.DrainForTesting();
        h.Report("p1", 0, h.SeedPeerId);
        Assert.That(h.Latest("p2")!.Parents.Select(p => p.PeerId), Does.Contain("p1"));

        h.Scheduler.CloseStream(SchedulerHarness.Task(), "p1", h.Streams["p1"].Writer);
        h.Scheduler.DrainForTesting();

        Assert.That(h.Latest("p2")!.Parents.Select(p => p.PeerId), Does.Not.Contain("p1"));
    }

    [Test]
    public async Task SeedFailed_PeersToldWithSourceStatus_AndNextRegistrationRetries()
    {
        var h = new SchedulerHarness();
        await h.ConnectAsync("p1");
        h.Seed.Fail(SchedulerHarness.Task(), 404, "source answered 404");
        h.Scheduler.DrainForTesting();

        var packet = h.Latest("p1")!;
        Assert.That(packet.TaskState, Is.EqualTo(TaskState.Failed));
        Assert.That(packet.SourceStatusCode, Is.EqualTo(404));
        Assert.That(packet.Error, Does.Contain("404"));

        await h.RegisterAsync("p2");
        Assert.That(h.Seed.FetchesStarted, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task SeedFailedAndNextRegistrationInOneBatch_OldPeersStillToldOfTheFailure_AndTheirStreamEnds()
    {
        var h = new SchedulerHarness();
        await h.ConnectAsync("p1");
        h.Latest("p1");
        h.Seed.Fail(SchedulerHarness.Task(), 503, "source answered 503");

        await h.RegisterAsync("p2"); // applied in the same batch as the failure: a new attempt starts

        var packets = new List<PeerPacket>();
        while (h.Streams["p1"].Reader.TryRead(out var packet))
        {
            packets.Add(packet);
        }
        Assert.Multiple(() =>
        {
            Assert.That(packets.LastOrDefault()?.TaskState, Is.EqualTo(TaskState.Failed), "p1 was never told its attempt failed");
            Assert.That(packets.LastOrDefault()?.SourceStatusCode, Is.EqualTo(503));
            Assert.That(h.Streams["p1"].Reader.Completion.IsCompleted, Is.True, "p1's stream stays open on a task that no longer has it");
            Assert.That(h.Seed.FetchesStarted, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task OpenStream_UnregisteredPeer_Refused()
    {
        var h = new SchedulerHarness();
        var opened = h.Scheduler.OpenStreamAsync(SchedulerHarness.Task(), "ghost", System.Threading.Channels.Channel.CreateUnbounded<PeerPacket>().Writer, CancellationToken.None);
        h.Scheduler.DrainForTesting();
        Assert.That(await opened, Does.Contain("RegisterPeerTask first"));
    }

    private static List<int> SeedOffers(PeerPacket packet) =>
        packet.Parents.Where(p => p.IsSeed).SelectMany(p => Bitfield.FromBytes(p.Pieces.Span).SetBits()).ToList();
}
