using System.Security.Cryptography;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dragonfly.Core.Tests.Storage;

public sealed class ContentStoreTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("dragonfly-store-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private ContentStore NewStore(long reserved = 0) =>
        new(new ContentStoreOptions { Directory = _dir, ReservedFreeBytes = reserved }, NullLogger<ContentStore>.Instance);

    private static TaskId Id(string seed) => new ContentKey("http://h/" + seed).ToTaskId();

    [Test]
    public void NotReadyReason_NamesTheDirectory_OnlyWhileItCannotTakeFiles_AndLeavesNoProbeBehind()
    {
        var store = NewStore();
        Assert.That(store.NotReadyReason(), Is.Null);
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.Empty, "the probe file is deleted");

        Directory.Move(_dir, _dir + ".away");
        try
        {
            Assert.That(store.NotReadyReason(), Does.StartWith($"the data directory {_dir} does not accept new files"));
        }
        finally
        {
            Directory.Move(_dir + ".away", _dir);
        }
        Assert.That(store.NotReadyReason(), Is.Null);
    }

    [Test]
    public void NotReadyReason_ProbesAtTheSameMoment_AllSeeAWritableDirectory()
    {
        var store = NewStore();

        var reasons = new string?[64];
        Parallel.For(0, reasons.Length, i => reasons[i] = store.NotReadyReason());

        Assert.That(reasons, Has.All.Null);
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.Empty, "every probe file is deleted");
    }

    [Test]
    public async Task CompletedContent_SurvivesARestart()
    {
        var data = RandomNumberGenerator.GetBytes(10 * 1024 * 1024 + 3);
        var id = Id("a");
        var store = NewStore();
        var content = store.GetOrCreate(id);
        using (var cutter = new PieceCutter(content, PieceSizePolicy.DefaultMin))
        {
            await cutter.CopyAsync(new MemoryStream(data), [ByteRateLimiter.Unlimited], _ => { }, CancellationToken.None);
        }
        await content.CompleteAsync(data.Length, Digest.Compute(data).ToString(), CancellationToken.None);
        content.Dispose();

        var reopened = NewStore().TryGet(id);

        Assert.That(reopened, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(reopened!.IsComplete, Is.True);
            Assert.That(reopened.ContentLength, Is.EqualTo(data.Length));
            Assert.That(reopened.HeldPieces(), Has.Count.EqualTo(3));
            Assert.That(reopened.ContentDigest, Is.EqualTo(Digest.Compute(data).ToString()));
            Assert.That(reopened.IsRangeHeld(0, data.Length), Is.True);
        });
        var back = new byte[data.Length];
        await reopened!.ReadAsync(0, back, CancellationToken.None);
        Assert.That(back, Is.EqualTo(data));
    }

    [Test]
    public async Task CompletedContent_FromAnEarlierVersion_IsDiscardedNotServed()
    {
        // Before the pieces' digests were links of one SHA-256 chain, meta.json had no "pieceDigests" and each
        // piece's digest was the SHA-256 of its own bytes; served as they are, peers would reject every piece.
        var data = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        var id = Id("old-format");
        var content = NewStore().GetOrCreate(id);
        using (var cutter = new PieceCutter(content, PieceSizePolicy.DefaultMin))
        {
            await cutter.CopyAsync(new MemoryStream(data), [ByteRateLimiter.Unlimited], _ => { }, CancellationToken.None);
        }
        await content.CompleteAsync(data.Length, Digest.Compute(data).ToString(), CancellationToken.None);
        var metaPath = Path.Combine(content.Folder, "meta.json");
        content.Dispose();
        var meta = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(metaPath))!.AsObject();
        Assert.That(meta.Remove("pieceDigests"), Is.True, "meta.json records how its piece digests are made");
        File.WriteAllText(metaPath, meta.ToJsonString());

        Assert.That(NewStore().TryGet(id), Is.Null);
        Assert.That(File.Exists(metaPath), Is.False, "the old content is deleted, to be fetched again");
    }

    [Test]
    public async Task PartialContent_DiscardedOnRestart()
    {
        var id = Id("partial");
        var content = NewStore().GetOrCreate(id);
        content.SetLayout(8 * 1024 * 1024, PieceSizePolicy.DefaultMin);
        await content.WritePieceAsync(new Piece(0, 0, 4, PieceDigest.Final(Digest.Compute(new byte[4]))), new byte[4], CancellationToken.None);
        content.Dispose();

        var store = NewStore();
        Assert.That(store.TryGet(id), Is.Null, "partial content is never served after a restart");
        Assert.That(store.DiscardPartial(), Is.EqualTo(1));
        Assert.That(Directory.EnumerateDirectories(_dir, "*", SearchOption.AllDirectories).Count(d => d.EndsWith(id.Value, StringComparison.Ordinal)), Is.Zero);
    }

    [Test]
    public async Task WritePiece_LargerThanOneWrite_LandsWholeAtItsOffset_NeighboursUntouched()
    {
        var content = NewStore().GetOrCreate(Id("chunks"));
        const int size = 4 * 1024 * 1024;
        content.SetLayout(3L * size - 5, size);
        var first = RandomNumberGenerator.GetBytes(size);
        var last = RandomNumberGenerator.GetBytes(size - 5);
        Assert.That(last.Length % StoredContent.MaxWriteSize, Is.Not.Zero, "the test needs the last write to be a partial one");

        await content.WritePieceAsync(new Piece(0, 0, size, PieceDigest.Final(Digest.Compute(first))), first, CancellationToken.None);
        await content.WritePieceAsync(new Piece(2, 2L * size, last.Length, PieceDigest.Final(Digest.Compute(last))), last, CancellationToken.None);

        var back = new byte[3 * size - 5];
        Assert.That(await content.ReadAsync(0, back, CancellationToken.None), Is.EqualTo(back.Length));
        Assert.Multiple(() =>
        {
            Assert.That(back.AsSpan(0, size).SequenceEqual(first), Is.True, "piece 0");
            Assert.That(back.AsSpan(size, size).IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "piece 1 never written");
            Assert.That(back.AsSpan(2 * size).SequenceEqual(last), Is.True, "piece 2, ending in a short write");
        });
    }

    [Test]
    public void SetLayout_NotEnoughSpace_SaysHowMuchIsNeededAndFree()
    {
        var content = NewStore(reserved: long.MaxValue / 2).GetOrCreate(Id("big"));
        Assert.That(() => content.SetLayout(1024, PieceSizePolicy.DefaultMin),
            Throws.TypeOf<InsufficientStorageException>().With.Message.Contains("not enough disk space").And.Message.Contains("is free"));
    }

    [Test]
    public async Task IsRangeHeld_OnlyForRangesInsideHeldPieces()
    {
        var content = NewStore().GetOrCreate(Id("ranges"));
        const int size = 4 * 1024 * 1024;
        content.SetLayout(3L * size, size);
        var piece = new byte[size];
        await content.WritePieceAsync(new Piece(1, size, size, PieceDigest.Final(Digest.Compute(piece))), piece, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(content.IsRangeHeld(size, size), Is.True);
            Assert.That(content.IsRangeHeld(size + 10, 100), Is.True);
            Assert.That(content.IsRangeHeld(size - 1, 2), Is.False, "spills into piece 0");
            Assert.That(content.IsRangeHeld(2L * size, 1), Is.False);
            Assert.That(content.IsRangeHeld(0, 0), Is.False);
            Assert.That(content.IsRangeHeld(-5, 10), Is.False);
            Assert.That(content.IsRangeHeld(3L * size, 1), Is.False, "past the end");
        });
    }

    [TestCase(1L, long.MaxValue)]
    [TestCase(4L * 1024 * 1024, long.MaxValue - 4L * 1024 * 1024)]
    [TestCase(long.MaxValue, 1L)]
    [TestCase(0L, long.MaxValue)]
    public async Task IsRangeHeld_RangeEndingNearLongMaxValue_FalseInsteadOfWrappingAround(long offset, long length)
    {
        // Such ranges come straight from a Range header (bytes=1-9223372036854775807); offset + length used to wrap
        // to a negative end, which passed every check and made the piece server answer 206 with a bogus length.
        var content = NewStore().GetOrCreate(Id("huge-range"));
        const int size = 4 * 1024 * 1024;
        content.SetLayout(2L * size, size);
        var piece = new byte[size];
        await content.WritePieceAsync(new Piece(0, 0, size, PieceDigest.Final(Digest.Compute(piece))), piece, CancellationToken.None);
        await content.WritePieceAsync(new Piece(1, size, size, PieceDigest.Final(Digest.Compute(piece))), piece, CancellationToken.None);

        Assert.That(content.IsRangeHeld(offset, length), Is.False);
    }

    [Test]
    public async Task IsRangeHeld_UnknownLengthAndHugeRange_False()
    {
        var content = NewStore().GetOrCreate(Id("huge-range-unknown-length"));
        using (var cutter = new PieceCutter(content, 256 * 1024))
        {
            await cutter.CopyAsync(new MemoryStream(new byte[300 * 1024]), [ByteRateLimiter.Unlimited], _ => { }, CancellationToken.None);
        }

        Assert.Multiple(() =>
        {
            Assert.That(content.IsRangeHeld(1, long.MaxValue), Is.False);
            Assert.That(content.IsRangeHeld(long.MaxValue / 2, long.MaxValue / 2), Is.False);
            Assert.That(content.IsRangeHeld(0, 300 * 1024), Is.True);
        });
    }

    [TestCase(9 * 1024 * 1024)] // a short last piece
    [TestCase(8 * 1024 * 1024)] // a full last piece
    public async Task PieceCutter_PiecesAreLinksOfOneSha256Chain(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        var content = NewStore().GetOrCreate(Id("cut" + length));
        var pieces = new List<Piece>();
        using var cutter = new PieceCutter(content, PieceSizePolicy.DefaultMin);

        // A source without Content-Length, read in odd steps: only the end tells which full piece is the last.
        var whole = await cutter.CopyAsync(new OddReads(data), [ByteRateLimiter.Unlimited], pieces.Add, CancellationToken.None);

        Assert.That(whole, Is.EqualTo(Digest.Compute(data)));
        Assert.That(pieces.Select(p => p.Number), Is.EqualTo(Enumerable.Range(0, (length + (4 << 20) - 1) / (4 << 20))));
        Assert.That(pieces.Select(p => p.Digest), Is.EqualTo(PieceDigest.ChainOf(data, PieceSizePolicy.DefaultMin)));
        Assert.That(pieces[^1].Digest.ContentDigest, Is.EqualTo(whole), "the last piece's digest is the content's");
        Assert.That(pieces.SkipLast(1).All(p => !p.Digest.IsFinal), Is.True, "the others are chaining values");
        foreach (var piece in pieces)
        {
            // Each piece checks out on its own, from the previous piece's digest.
            var start = piece.Number == 0 ? PieceDigest.Initial : pieces[piece.Number - 1].Digest;
            using var chain = Sha256Chain.Resume(start, piece.Offset);
            chain.Append(data.AsSpan((int)piece.Offset, piece.Size));
            Assert.That(chain.EndOfPiece(last: piece.Number == pieces.Count - 1), Is.EqualTo(piece.Digest), $"piece {piece.Number}");
            Assert.That(content.IsHeld(piece.Number), Is.True);
        }
    }

    /// <summary>A stream of unknown length that hands out its bytes in uneven reads.</summary>
    private sealed class OddReads(byte[] data) : MemoryStream(data)
    {
        private int _turn;

        public override bool CanSeek => false;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, ++_turn % 3 == 0 ? 1000 : 200_000)], cancellationToken);
    }

    [Test]
    public async Task UnknownLength_CutInSmallPieces_HeldRangesFollowThePieceSize()
    {
        var data = RandomNumberGenerator.GetBytes(5 * 256 * 1024 + 17);
        var content = NewStore().GetOrCreate(Id("unknown-length"));
        using (var cutter = new PieceCutter(content, 256 * 1024))
        {
            await cutter.CopyAsync(new MemoryStream(data), [ByteRateLimiter.Unlimited], _ => { }, CancellationToken.None);
        }

        Assert.Multiple(() =>
        {
            Assert.That(content.PieceSize, Is.EqualTo(256 * 1024));
            Assert.That(content.HeldCount, Is.EqualTo(6));
            Assert.That(content.HeldRunFrom(0), Is.EqualTo(data.Length), "every byte from the start is in held pieces");
            Assert.That(content.IsRangeHeld(300 * 1024, 900 * 1024), Is.True);
            Assert.That(() => content.UsePieceSize(4 * 1024 * 1024), Throws.InvalidOperationException, "pieces are held: the size is fixed");
        });
    }
}
