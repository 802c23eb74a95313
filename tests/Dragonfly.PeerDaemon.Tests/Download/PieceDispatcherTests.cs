using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.Protocol.V1;
using Google.Protobuf;

namespace Dragonfly.PeerDaemon.Tests.Download;

public sealed class PieceDispatcherTests
{
    private static PieceDispatcher NewDispatcher(int perParent = 2, int failureLimit = 2) => new(perParent, failureLimit, new Random(7));

    private static Piece PieceOf(int n) => new(n, n * 4L, 4, PieceDigest.Final(Digest.Compute(BitConverter.GetBytes(n))));

    private static ParentPeer Parent(string id, bool seed, params int[] pieces)
    {
        var bits = new Bitfield();
        foreach (var p in pieces)
        {
            bits.Set(p);
        }
        return new ParentPeer { PeerId = id, Ip = "10.0.0.1", DownloadPort = 1, IsSeed = seed, Pieces = ByteString.CopyFrom(bits.ToBytes(16)) };
    }

    private static PieceDispatcher WithPieces(PieceDispatcher dispatcher, int count)
    {
        for (var n = 0; n < count; n++)
        {
            dispatcher.AddPiece(PieceOf(n));
        }
        return dispatcher;
    }

    [Test]
    public void Next_RarestPieceAmongPeerParentsFirst()
    {
        var d = WithPieces(NewDispatcher(), 3);
        d.UpdateParents([Parent("a", false, 0, 1), Parent("b", false, 0), Parent("c", false, 0, 2)]);

        var next = d.Next()!.Value;

        Assert.That(next.Piece.Number, Is.AnyOf(1, 2), "pieces 1 and 2 have one holder, piece 0 three");
    }

    [Test]
    public void Next_PrefersPeersOverTheSeed()
    {
        var d = WithPieces(NewDispatcher(), 2);
        d.UpdateParents([Parent("seed", true, 0, 1), Parent("a", false, 1)]);

        var next = d.Next()!.Value;

        Assert.That((next.Piece.Number, next.Parent.Id), Is.EqualTo((1, "a")));
    }

    [Test]
    public void Next_RespectsPerParentLimit_ThenFallsBackToSeedOffers()
    {
        var d = WithPieces(NewDispatcher(perParent: 1), 3);
        d.UpdateParents([Parent("a", false, 0, 1), Parent("seed", true, 2)]);

        var first = d.Next()!.Value;
        d.Started(first.Piece, first.Parent);
        var second = d.Next()!.Value;
        d.Started(second.Piece, second.Parent);

        Assert.That(first.Parent.Id, Is.EqualTo("a"));
        Assert.That((second.Piece.Number, second.Parent.Id), Is.EqualTo((2, "seed")));
        Assert.That(d.Next(), Is.Null, "a is busy and the seed offered only piece 2");
    }

    [Test]
    public void Finished_CorruptParent_NeverAskedAgain()
    {
        var d = WithPieces(NewDispatcher(), 2);
        d.UpdateParents([Parent("liar", false, 0, 1)]);
        var next = d.Next()!.Value;
        d.Started(next.Piece, next.Parent);

        d.Finished(next.Piece, next.Parent, succeeded: false, corrupt: true);
        d.UpdateParents([Parent("liar", false, 0, 1)]);

        Assert.That(d.Next(), Is.Null);
    }

    [Test]
    public void Finished_PeerParentTimedOut_NotAskedForOtherPiecesEither()
    {
        var d = WithPieces(NewDispatcher(), 3);
        d.UpdateParents([Parent("slow", false, 0, 1, 2)]);
        var next = d.Next()!.Value;
        d.Started(next.Piece, next.Parent);

        d.Finished(next.Piece, next.Parent, succeeded: false, corrupt: false, TimeSpan.FromSeconds(10), timedOut: true);

        Assert.That(d.Next(), Is.Null, "a parent that took the whole piece timeout is not given another piece");
    }

    [Test]
    public void Finished_SeedTimedOut_AskedAgain()
    {
        var d = WithPieces(NewDispatcher(), 1);
        d.UpdateParents([Parent("seed", true, 0)]);
        var next = d.Next()!.Value;
        d.Started(next.Piece, next.Parent);

        d.Finished(next.Piece, next.Parent, succeeded: false, corrupt: false, TimeSpan.FromSeconds(10), timedOut: true);

        Assert.That(d.Next()?.Parent.Id, Is.EqualTo("seed"), "the seed is the source of last resort");
    }

    [Test]
    public void Finished_FailedPiece_RetriedFromAnotherParent()
    {
        var d = WithPieces(NewDispatcher(), 1);
        d.UpdateParents([Parent("a", false, 0)]);
        var first = d.Next()!.Value;
        d.Started(first.Piece, first.Parent);
        d.Finished(first.Piece, first.Parent, succeeded: false, corrupt: false);
        Assert.That(d.Next(), Is.Null, "a failed piece 0 once; it is not asked for it again");

        d.UpdateParents([Parent("a", false, 0), Parent("b", false, 0)]);

        Assert.That(d.Next()!.Value.Parent.Id, Is.EqualTo("b"));
    }

    [Test]
    public void Finished_Success_PieceHeldAndNotOfferedAgain()
    {
        var d = WithPieces(NewDispatcher(), 1);
        d.UpdateParents([Parent("a", false, 0)]);
        var next = d.Next()!.Value;
        d.Started(next.Piece, next.Parent);

        d.Finished(next.Piece, next.Parent, succeeded: true, corrupt: false);

        Assert.That(d.HeldCount, Is.EqualTo(1));
        Assert.That(d.Next(), Is.Null);
    }

    [Test]
    public void UpdateParents_DroppedParent_NotUsed()
    {
        var d = WithPieces(NewDispatcher(), 1);
        d.UpdateParents([Parent("a", false, 0)]);
        d.UpdateParents([Parent("b", false)]);
        Assert.That(d.Next(), Is.Null);
    }

    /// <summary>Fetches two pieces from each parent, <paramref name="slowId"/> taking 50 times longer.</summary>
    private static PieceDispatcher MeasuredWithOneSlowParent(string slowId, int pieces)
    {
        var d = WithPieces(NewDispatcher(perParent: 2), pieces);
        var all = Enumerable.Range(0, pieces).ToArray();
        d.UpdateParents([Parent("fast", false, all), Parent(slowId, false, all)]);
        var number = 0;
        foreach (var id in new[] { "fast", "fast", slowId, slowId })
        {
            var parent = d.Parents.Single(p => p.Id == id);
            var piece = PieceOf(number++);
            d.Started(piece, parent);
            d.Finished(piece, parent, succeeded: true, corrupt: false, TimeSpan.FromMilliseconds(id == slowId ? 500 : 10));
        }
        return d;
    }

    [Test]
    public void Next_ParentMeasuredFarSlowerThanTheBest_IsNotAskedForPiecesAFasterParentOffers()
    {
        var d = MeasuredWithOneSlowParent("slow", 12);

        var chosen = new List<string>();
        while (d.Next() is { } next)
        {
            d.Started(next.Piece, next.Parent);
            chosen.Add(next.Parent.Id);
        }

        Assert.Multiple(() =>
        {
            Assert.That(d.SlowParentCount, Is.EqualTo(1));
            Assert.That(chosen, Has.None.EqualTo("slow"), "every remaining piece is offered by the fast parent");
            Assert.That(chosen, Has.Count.EqualTo(2), "the fast parent's own limit still applies");
        });
    }

    [Test]
    public void Next_SlowParentAlone_StillServesItsPieces_OneAtATime()
    {
        var d = MeasuredWithOneSlowParent("slow", 6);
        d.UpdateParents([Parent("fast", false, 0, 1, 2, 3), Parent("slow", false, 0, 1, 2, 3, 4, 5)]);

        var first = d.Next()!.Value;
        d.Started(first.Piece, first.Parent);
        var second = d.Next();

        Assert.Multiple(() =>
        {
            Assert.That((first.Parent.Id, first.Piece.Number), Is.AnyOf(("slow", 4), ("slow", 5)), "pieces only the slow parent has still come from it");
            Assert.That(second, Is.Null, "a slow parent gets one piece at a time");
        });
    }
}
