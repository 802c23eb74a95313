using System.Security.Cryptography;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dragonfly.Core.Tests.Storage;

/// <summary>
/// Cutting a source's bytes into pieces, and finishing content that already holds some (a peer completing from
/// the source what P2P began): the held pieces stay as they are, and must be what the source sends.
/// </summary>
public sealed class PieceCutterTests
{
    private const int PieceSize = 64 * 1024;
    private string _dir = "";
    private ContentStore _store = null!;

    [SetUp]
    public void CreateStore()
    {
        _dir = Directory.CreateTempSubdirectory("dragonfly-cutter-").FullName;
        _store = new ContentStore(new ContentStoreOptions { Directory = _dir, ReservedFreeBytes = 0 }, NullLogger<ContentStore>.Instance);
    }

    [TearDown]
    public void RemoveStore() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Cut_StoresEveryPiece_WithTheContentsChain()
    {
        var data = RandomNumberGenerator.GetBytes(4 * PieceSize + 100);
        var content = NewContent("cut", data.Length);
        var reported = new List<Piece>();

        using var cutter = new PieceCutter(content, PieceSize);
        var digest = await cutter.CopyAsync(new MemoryStream(data), [], reported.Add, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(digest, Is.EqualTo(Digest.Compute(data)));
            Assert.That(reported.Select(p => p.Digest), Is.EqualTo(PieceDigest.ChainOf(data, PieceSize)));
            Assert.That(cutter.Written, Is.EqualTo(data.Length));
            Assert.That(File.ReadAllBytes(content.DataPath), Is.EqualTo(data));
        });
    }

    /// <summary>
    /// A source that always has bytes ready (a registry on a fast link) never makes the copy wait. On a 2-core
    /// node two such copies held both pool threads, and the scheduler's packets waited 100 ms behind them; the copy
    /// must hand its thread back while it runs. Here it runs on a scheduler that runs one task at a time, with work
    /// queued behind it before it starts.
    /// </summary>
    [Test]
    public async Task Cut_FromASourceThatIsAlwaysReady_LetsWorkQueuedBehindItRunBeforeItEnds()
    {
        // 64 MiB: hashing it alone takes tens of milliseconds, many times the slice a loop may hold its thread.
        var data = new byte[64 * 1024 * 1024];
        var content = NewContent("fair", data.Length);
        using var cutter = new PieceCutter(content, PieceSize);
        var exclusive = new TaskFactory(new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler);
        var writtenWhenQueuedWorkRan = -1L;

        Task queued = null!;

        var copy = exclusive.StartNew(() =>
        {
            queued = exclusive.StartNew(() => writtenWhenQueuedWorkRan = cutter.Written);
            return cutter.CopyAsync(new MemoryStream(data), [], _ => { }, CancellationToken.None);
        }).Unwrap();
        await copy;
        await queued;

        Assert.That(writtenWhenQueuedWorkRan, Is.GreaterThan(0).And.LessThan(data.Length),
            "the work queued behind the copy ran only before it began or after it ended");
    }

    [Test]
    public async Task Resume_FromTheFirstPieceNotHeld_CompletesTheChainToTheWholeDigest_AndReportsOnlyNewPieces()
    {
        var data = RandomNumberGenerator.GetBytes(4 * PieceSize + 100);
        var chain = PieceDigest.ChainOf(data, PieceSize);
        var content = NewContent("resume", data.Length);
        await HoldAsync(content, data, chain, 0, 1);
        var reported = new List<Piece>();

        using var cutter = PieceCutter.Resume(content, 2, chain[1]);
        var digest = await cutter.CopyAsync(new MemoryStream(data[(2 * PieceSize)..]), [], reported.Add, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(digest, Is.EqualTo(Digest.Compute(data)), "the resumed chain does not end in the whole content's digest");
            Assert.That(reported.Select(p => p.Number), Is.EqualTo(new[] { 2, 3, 4 }));
            Assert.That(reported.Select(p => p.Digest), Is.EqualTo(chain[2..]));
            Assert.That(cutter.Written, Is.EqualTo(data.Length));
            Assert.That(File.ReadAllBytes(content.DataPath), Is.EqualTo(data));
            Assert.That(content.HeldCount, Is.EqualTo(5));
        });
    }

    [Test]
    public async Task Resume_OverHeldPieces_ChecksThemWithoutWritingThemAgain()
    {
        var data = RandomNumberGenerator.GetBytes(4 * PieceSize + 100);
        var chain = PieceDigest.ChainOf(data, PieceSize);
        var content = NewContent("over", data.Length);
        await HoldAsync(content, data, chain, 1, 3);
        // Mark the held bytes on disk: a cutter that wrote them again would overwrite the mark.
        var marked = (byte[])data.Clone();
        marked[PieceSize + 5] ^= 0xff;
        using (var handle = File.OpenHandle(content.DataPath, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.Write(handle, marked.AsSpan(PieceSize + 5, 1), PieceSize + 5);
        }
        var reported = new List<Piece>();

        using var cutter = PieceCutter.Resume(content, 0, PieceDigest.Initial);
        var digest = await cutter.CopyAsync(new MemoryStream(data), [], reported.Add, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(digest, Is.EqualTo(Digest.Compute(data)));
            Assert.That(reported.Select(p => p.Number), Is.EqualTo(new[] { 0, 4 }), "only the pieces not held are new");
            Assert.That(File.ReadAllBytes(content.DataPath), Is.EqualTo(marked), "a held piece was written again");
        });
    }

    [TestCase(1, TestName = "Resume_HeldMiddlePieceNotTheSources_Throws")]
    [TestCase(4, TestName = "Resume_HeldLastPieceNotTheSources_Throws")]
    public async Task Resume_HeldPieceThatIsNotTheSources_ThrowsNamingIt(int piece)
    {
        var data = RandomNumberGenerator.GetBytes(4 * PieceSize + 100);
        var other = (byte[])data.Clone();
        other[piece * PieceSize + 7] ^= 1;
        var content = NewContent("changed", data.Length);
        // Held as another version of the content had it (the source changed since, or P2P was lied to).
        await HoldAsync(content, other, PieceDigest.ChainOf(other, PieceSize), piece, piece);

        using var cutter = PieceCutter.Resume(content, 0, PieceDigest.Initial);
        var error = Assert.ThrowsAsync<SourceMismatchException>(() => cutter.CopyAsync(new MemoryStream(data), [], _ => { }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.PieceNumber, Is.EqualTo(piece));
            Assert.That(error.Message, Does.StartWith($"piece {piece} is held as "));
        });
    }

    [TestCase(-100, "the source's bytes end at 262144, the content's at 262244", TestName = "Resume_SourceEndingShort_Throws_AndHoldsNoShortPiece")]
    [TestCase(+1, "the source sends more than the content's 262244 bytes", TestName = "Resume_SourceSendingMore_Throws_BeforeWritingPastTheEnd")]
    public async Task Resume_SourceOfAnotherLength_ThrowsSayingSo(int difference, string message)
    {
        var data = RandomNumberGenerator.GetBytes(4 * PieceSize + 100);
        var content = NewContent("length", data.Length);
        await HoldAsync(content, data, PieceDigest.ChainOf(data, PieceSize), 0, 0);
        var source = difference < 0 ? data[..(data.Length + difference)] : [.. data, .. new byte[difference]];

        using var cutter = PieceCutter.Resume(content, 0, PieceDigest.Initial);
        var error = Assert.ThrowsAsync<SourceMismatchException>(() => cutter.CopyAsync(new MemoryStream(source), [], _ => { }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Is.EqualTo(message));
            Assert.That(error.PieceNumber, Is.Null);
            Assert.That(content.IsHeld(4), Is.False, "a piece the source did not complete is held");
            Assert.That(new FileInfo(content.DataPath).Length, Is.LessThanOrEqualTo(data.Length), "bytes were written past the content's end");
        });
    }

    [Test]
    public void Resume_WithoutLayout_OrPastTheLastPiece_IsRefused()
    {
        var unknown = _store.GetOrCreate(new ContentKey("http://h/unknown").ToTaskId());
        var content = NewContent("bounds", 2 * PieceSize);

        Assert.Multiple(() =>
        {
            Assert.Throws<InvalidOperationException>(() => PieceCutter.Resume(unknown, 0, PieceDigest.Initial));
            Assert.Throws<ArgumentOutOfRangeException>(() => PieceCutter.Resume(content, 2, PieceDigest.Initial));
        });
    }

    private StoredContent NewContent(string name, long length)
    {
        var content = _store.GetOrCreate(new ContentKey("http://h/" + name).ToTaskId());
        content.SetLayout(length, PieceSize);
        return content;
    }

    /// <summary>Writes pieces <paramref name="from"/> to <paramref name="to"/> of <paramref name="data"/> and marks them held.</summary>
    private static async Task HoldAsync(StoredContent content, byte[] data, PieceDigest[] chain, int from, int to)
    {
        for (var n = from; n <= to; n++)
        {
            var offset = n * PieceSize;
            var size = Math.Min(PieceSize, data.Length - offset);
            await content.WritePieceAsync(new Piece(n, offset, size, chain[n]), data.AsMemory(offset, size), CancellationToken.None);
        }
    }
}
