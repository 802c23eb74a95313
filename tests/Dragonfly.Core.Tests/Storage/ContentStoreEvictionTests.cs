using Dragonfly.Core.Pieces;
using Dragonfly.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dragonfly.Core.Tests.Storage;

public sealed class ContentStoreEvictionTests
{
    private const long MiB = 1024 * 1024;
    private FakeTimeProvider _time = null!;
    private string _dir = "";
    private DiskSpace _disk;
    private readonly List<ContentStore> _stores = [];

    [SetUp]
    public void CreateDirectory()
    {
        // NUnit shares one fixture instance between tests: every test starts from a fresh clock and a roomy disk.
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        _disk = new DiskSpace(1L << 40, 1L << 39);
        _dir = Directory.CreateTempSubdirectory("dragonfly-evict-").FullName;
    }

    [TearDown]
    public void RemoveDirectory()
    {
        // Evicted folders are deleted in the background: wait for that before removing the directory under it.
        foreach (var store in _stores)
        {
            store.EmptyTrash();
        }
        _stores.Clear();
        Directory.Delete(_dir, recursive: true);
    }

    private ContentStore NewStore(long quota = 0, TimeSpan ttl = default, Func<string, DiskSpace>? measureDisk = null)
    {
        var store = new ContentStore(new ContentStoreOptions
        {
            Directory = _dir,
            ReservedFreeBytes = 0,
            QuotaBytes = quota,
            HighWatermark = 0.9,
            LowWatermark = 0.8,
            Ttl = ttl,
            MeasureDisk = measureDisk ?? (_ => _disk),
        }, NullLogger<ContentStore>.Instance, _time);
        _stores.Add(store);
        return store;
    }

    private string TrashDirectory => Path.Combine(_dir, ".trash");

    private static TaskId Id(string seed) => new ContentKey("http://h/" + seed).ToTaskId();

    private async Task<StoredContent> CompleteAsync(ContentStore store, string name, long size)
    {
        var content = store.GetOrCreate(Id(name));
        content.SetLayout(size, PieceSizePolicy.DefaultMin);
        await content.CompleteAsync(size, null, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        return content;
    }

    private static bool Held(ContentStore store, string name) => store.TryGet(Id(name)) is not null;

    [Test]
    public async Task NewContent_PastTheQuotaHighWatermark_EvictsLeastRecentlyUsedDownToTheLowWatermark()
    {
        var store = NewStore(quota: 100 * MiB);
        await CompleteAsync(store, "a", 30 * MiB);
        await CompleteAsync(store, "b", 30 * MiB);
        await CompleteAsync(store, "c", 20 * MiB);
        store.TryGet(Id("a")); // a is now used more recently than b and c
        _time.Advance(TimeSpan.FromSeconds(1));
        var evicted = new List<(TaskId, EvictionReason)>();
        store.Evicted += (id, reason) => evicted.Add((id, reason));

        await CompleteAsync(store, "d", 25 * MiB); // 80 + 25 > 90: evict until 55 + 25 <= 80

        Assert.Multiple(() =>
        {
            Assert.That(evicted, Is.EqualTo(new[] { (Id("b"), EvictionReason.Quota) }));
            Assert.That(store.UsedBytes, Is.EqualTo(75 * MiB));
            Assert.That(Held(store, "a") && Held(store, "c") && Held(store, "d"), Is.True);
            Assert.That(Directory.Exists(Path.Combine(_dir, Id("b").Value[..2], Id("b").Value)), Is.False, "evicted content must leave the disk");
        });
    }

    [Test]
    public async Task EvictedContent_LeavesTheCacheByARename_AndItsFilesAreDeletedAfter()
    {
        var store = NewStore(quota: 100 * MiB);
        await EvictTheOlderOfTwoAsync(store);
        var inTreeRightAfter = Directory.Exists(Path.Combine(_dir, Id("a").Value[..2], Id("a").Value));
        store.EmptyTrash();

        Assert.Multiple(() =>
        {
            Assert.That(Held(store, "a"), Is.False);
            Assert.That(inTreeRightAfter, Is.False, "the evicted folder was still in the cache's tree");
            Assert.That(Directory.GetFileSystemEntries(TrashDirectory), Is.Empty, "the trash was not emptied");
            Assert.That(store.TrashBytes, Is.Zero);
            Assert.That(Held(store, "b"), Is.True);
        });
    }

    [Test]
    public async Task TheTrash_IsEmptiedInTheBackground_WithoutAnyoneAskingForRoom()
    {
        var store = NewStore(quota: 100 * MiB);
        await EvictTheOlderOfTwoAsync(store);
        await store.LastEmptying;

        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFileSystemEntries(TrashDirectory), Is.Empty, "the evicted folder was not deleted");
            Assert.That(store.TrashBytes, Is.Zero);
        });
    }

    [Test]
    public async Task WhenOnlyDeletingTheTrashMakesRoomOnTheDisk_NewContentWaitsForIt_AndFits()
    {
        // A 100 MiB disk whose used space is what the directory holds, trash included: deleting files frees it.
        var store = NewStore(measureDisk: _ => new DiskSpace(100 * MiB, 100 * MiB - BytesUnder(_dir)));
        // On this disk, evicting "a" makes room only once its 40 MiB are deleted.
        await EvictTheOlderOfTwoAsync(store);

        Assert.Multiple(() =>
        {
            Assert.That(Held(store, "a"), Is.False);
            Assert.That(Held(store, "b"), Is.True);
            Assert.That(BytesUnder(TrashDirectory), Is.Zero, "the content was laid out before the trash that made its room was deleted");
        });
    }

    [Test]
    public void AStart_DeletesWhatAnEarlierRunLeftInTheTrash()
    {
        var leftover = Directory.CreateDirectory(Path.Combine(TrashDirectory, Id("old").Value + ".0123")).FullName;
        File.WriteAllBytes(Path.Combine(leftover, "data"), new byte[4096]);

        var store = NewStore();
        store.EmptyTrash();

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(leftover), Is.False);
            Assert.That(store.TrashBytes, Is.Zero);
            Assert.That(store.CompletedCount, Is.Zero, "the trash is not content");
        });
    }

    /// <summary>
    /// Completes "a" and "b" (40 MiB each), then lays out 30 MiB of "c": 110 MiB passes the 90 MiB high watermark of
    /// a 100 MiB quota or disk, and "a", the least recently used, is evicted.
    /// </summary>
    private async Task EvictTheOlderOfTwoAsync(ContentStore store)
    {
        await CompleteAsync(store, "a", 40 * MiB);
        await CompleteAsync(store, "b", 40 * MiB);
        store.GetOrCreate(Id("c")).SetLayout(30 * MiB, PieceSizePolicy.DefaultMin);
    }

    private static long BytesUnder(string directory) =>
        Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    [Test]
    public async Task ContentUnderALease_IsNeverEvicted_AndAFullQuotaSaysWhatToDo()
    {
        var store = NewStore(quota: 100 * MiB);
        var a = await CompleteAsync(store, "a", 50 * MiB);
        var b = await CompleteAsync(store, "b", 40 * MiB);
        using var readingA = a.TryAcquire();
        using var readingB = b.TryAcquire();

        var c = store.GetOrCreate(Id("c"));

        Assert.That(() => c.SetLayout(20 * MiB, PieceSizePolicy.DefaultMin),
            Throws.TypeOf<InsufficientStorageException>().With.Message.Contains("cache quota of 100.0 MiB is full").And.Message.Contains("raise cache:quota"));
        Assert.That(Held(store, "a") && Held(store, "b"), Is.True);
    }

    [Test]
    public async Task ContentBeingWritten_IsNeverEvicted()
    {
        var store = NewStore(quota: 100 * MiB);
        var writing = store.GetOrCreate(Id("writing"));
        writing.SetLayout(60 * MiB, PieceSizePolicy.DefaultMin);
        await CompleteAsync(store, "old", 20 * MiB);

        var next = store.GetOrCreate(Id("next"));
        next.SetLayout(15 * MiB, PieceSizePolicy.DefaultMin); // 80 + 15 > 90: only "old" may go

        Assert.Multiple(() =>
        {
            Assert.That(Held(store, "old"), Is.False);
            Assert.That(store.TryGet(Id("writing")), Is.SameAs(writing));
        });
    }

    [Test]
    public void ContentLargerThanTheQuota_IsRefusedWithTheSizes()
    {
        var content = NewStore(quota: 64 * MiB).GetOrCreate(Id("huge"));
        Assert.That(() => content.SetLayout(65 * MiB, PieceSizePolicy.DefaultMin),
            Throws.TypeOf<InsufficientStorageException>().With.Message.Contains("more than the whole cache quota of 64.0 MiB"));
    }

    [Test]
    public void ContentsLaidOutAtTheSameMoment_NeverTogetherPassTheQuota()
    {
        // Three downloads learn their lengths in the same instant (one scheduler packet each): the check and the
        // reservation must be one step, or each sees the room free and all three take it.
        for (var round = 0; round < 50; round++)
        {
            var store = NewStore(quota: 100 * MiB);
            var contents = Enumerable.Range(0, 6).Select(i => store.GetOrCreate(Id($"r{round}-{i}"))).ToArray();
            using var start = new Barrier(contents.Length);
            var laidOut = new bool[contents.Length];
            var threads = contents.Select((content, i) => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    content.SetLayout(30 * MiB, PieceSizePolicy.DefaultMin);
                    laidOut[i] = true;
                }
                catch (InsufficientStorageException)
                {
                    laidOut[i] = false;
                }
            })).ToArray();
            foreach (var thread in threads)
            {
                thread.Start();
            }
            foreach (var thread in threads)
            {
                thread.Join();
            }

            Assert.That(laidOut.Count(ok => ok), Is.EqualTo(3), $"round {round}: contents that got room in a 100 MiB quota");
            Assert.That(store.UsedBytes, Is.EqualTo(90 * MiB), $"round {round}: the refused contents must not keep a reservation");
        }
    }

    [Test]
    public void ContentRefusedForLackOfDisk_KeepsNoQuota()
    {
        var store = NewStore(quota: 100 * MiB);
        _disk = new DiskSpace(1L << 40, 10 * MiB);

        Assert.That(() => store.GetOrCreate(Id("big")).SetLayout(30 * MiB, PieceSizePolicy.DefaultMin),
            Throws.TypeOf<InsufficientStorageException>().With.Message.Contains("not enough disk space"));
        Assert.That(store.UsedBytes, Is.Zero);
    }

    [Test]
    public async Task ContentOfUnknownLength_GrowingPastTheQuota_IsRefusedAtThePieceThatDoesNotFit()
    {
        var store = NewStore(quota: 64 * MiB);
        var content = store.GetOrCreate(Id("stream"));
        content.UsePieceSize((int)(4 * MiB));
        var piece = new byte[4 * MiB];
        var offset = 0L;

        async Task WriteNextPieceAsync()
        {
            await content.WriteAsync(offset, piece, CancellationToken.None);
            offset += piece.Length;
        }

        for (var i = 0; i < 16; i++)
        {
            await WriteNextPieceAsync();
        }
        Assert.That(store.UsedBytes, Is.EqualTo(64 * MiB), "what the growing content reserved counts against the quota");
        Assert.That(WriteNextPieceAsync, Throws.TypeOf<InsufficientStorageException>().With.Message.Contains("cache quota of 64.0 MiB is full"));
    }

    [Test]
    public async Task ContentOfUnknownLength_WhoseLengthBecomesKnown_MustFitWhole()
    {
        var store = NewStore(quota: 64 * MiB);
        var content = store.GetOrCreate(Id("stream"));
        content.UsePieceSize((int)(4 * MiB));
        await content.WriteAsync(0, new byte[4 * MiB], CancellationToken.None);

        Assert.That(() => content.SetLayout(80 * MiB, (int)(4 * MiB)), Throws.TypeOf<InsufficientStorageException>());
        Assert.That(store.UsedBytes, Is.EqualTo(4 * MiB));
    }

    [Test]
    public async Task Sweep_EvictsContentUnusedPastTheTtl_KeepsRecentAndLeasedContent()
    {
        var store = NewStore(ttl: TimeSpan.FromHours(1));
        await CompleteAsync(store, "stale", 4 * MiB);
        var leased = await CompleteAsync(store, "leased", 4 * MiB);
        using var lease = leased.TryAcquire();
        _time.Advance(TimeSpan.FromMinutes(61));
        await CompleteAsync(store, "fresh", 4 * MiB);

        var evicted = store.Sweep();

        Assert.Multiple(() =>
        {
            Assert.That(evicted, Is.EqualTo(1));
            Assert.That(Held(store, "stale"), Is.False);
            Assert.That(Held(store, "leased"), Is.True, "content being read is kept even past its TTL");
            Assert.That(Held(store, "fresh"), Is.True);
        });
    }

    [Test]
    public async Task Sweep_DiskPastItsHighWatermark_EvictsUntilTheLowWatermark()
    {
        var store = NewStore();
        await CompleteAsync(store, "a", 10 * MiB);
        await CompleteAsync(store, "b", 10 * MiB);
        await CompleteAsync(store, "c", 10 * MiB);
        // 100 MiB disk, 95 used: evict until at most 80 are used.
        _disk = new DiskSpace(100 * MiB, 5 * MiB);

        store.Sweep();

        Assert.Multiple(() =>
        {
            Assert.That(Held(store, "a") || Held(store, "b"), Is.False, "the two least recently used go");
            Assert.That(Held(store, "c"), Is.True);
        });
    }

    [Test]
    public async Task EvictedContent_CannotBeLeasedAnyMore()
    {
        var store = NewStore(ttl: TimeSpan.FromMinutes(1));
        var content = await CompleteAsync(store, "a", 4 * MiB);
        _time.Advance(TimeSpan.FromMinutes(2));

        store.Sweep();

        Assert.That(content.TryAcquire(), Is.Null);
    }

    [Test]
    public async Task AfterARestart_CompletedContentCountsAgainstTheQuota_AndIsEvictable()
    {
        var first = NewStore(quota: 100 * MiB);
        (await CompleteAsync(first, "a", 40 * MiB)).Dispose();
        (await CompleteAsync(first, "b", 40 * MiB)).Dispose();

        var restarted = NewStore(quota: 100 * MiB);
        Assert.That(restarted.UsedBytes, Is.EqualTo(80 * MiB));
        Assert.That(restarted.CompletedCount, Is.EqualTo(2));
        await CompleteAsync(restarted, "c", 30 * MiB);

        Assert.That(restarted.UsedBytes, Is.LessThanOrEqualTo(80 * MiB));
        Assert.That(restarted.CompletedCount, Is.EqualTo(2));
    }

    [TestCase("0", 0.9, 0.8, "00:00:00", "00:01:00", true)]
    [TestCase("20G", 0.9, 0.8, "06:00:00", "00:01:00", true)]
    [TestCase("lots", 0.9, 0.8, "00:00:00", "00:01:00", false)]
    [TestCase("10M", 0.9, 0.8, "00:00:00", "00:01:00", false)]
    [TestCase("1G", 0.8, 0.9, "00:00:00", "00:01:00", false)]
    [TestCase("1G", 1.5, 0.8, "00:00:00", "00:01:00", false)]
    [TestCase("1G", 0.9, 0.8, "-00:01:00", "00:01:00", false)]
    [TestCase("1G", 0.9, 0.8, "00:00:00", "00:00:00", false)]
    public void CacheOptions_Validate_NamesTheBadKey(string quota, double high, double low, string ttl, string interval, bool valid)
    {
        var options = new CacheOptions { Quota = quota, HighWatermark = high, LowWatermark = low, Ttl = TimeSpan.Parse(ttl), GcInterval = TimeSpan.Parse(interval) };
        var problems = options.Validate().ToArray();
        Assert.That(problems, valid ? Is.Empty : Has.Some.StartsWith("cache:"));
    }
}
