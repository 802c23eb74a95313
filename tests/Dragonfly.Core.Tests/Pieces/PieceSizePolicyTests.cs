using Dragonfly.Core.Pieces;

namespace Dragonfly.Core.Tests.Pieces;

public sealed class PieceSizePolicyTests
{
    private const long MiB = 1024 * 1024;

    [TestCase(-1L, 4 * MiB)]
    [TestCase(0L, 4 * MiB)]
    [TestCase(1L, 4 * MiB)]
    [TestCase(256 * MiB, 4 * MiB)]
    [TestCase(4096 * MiB, 4 * MiB)]
    [TestCase(4096 * MiB + 1, 8 * MiB)]
    [TestCase(16384 * MiB, 16 * MiB)]
    [TestCase(1024 * 1024 * MiB, 64 * MiB)]
    public void PieceSizeFor_FloorAndBoundedCount(long length, long expected) =>
        Assert.That(PieceSizePolicy.Default.PieceSizeFor(length), Is.EqualTo(expected));

    [Test]
    public void PieceSizeFor_UpTo64GiB_AtMost1024Pieces()
    {
        foreach (var length in new[] { 5L << 30, 17L << 30, 63L << 30 })
        {
            Assert.That(PieceLayout.For(length).PieceCount, Is.LessThanOrEqualTo(PieceSizePolicy.DefaultTargetCount), $"length {length}");
        }
    }

    [Test]
    public void Layout_LastPiece_HoldsTheRemainder()
    {
        var layout = new PieceLayout(10 * MiB + 5, (int)(4 * MiB));
        Assert.Multiple(() =>
        {
            Assert.That(layout.PieceCount, Is.EqualTo(3));
            Assert.That(layout.OffsetOf(2), Is.EqualTo(8 * MiB));
            Assert.That(layout.SizeOf(2), Is.EqualTo(2 * MiB + 5));
            Assert.That(new PieceLayout(0, 4).PieceCount, Is.Zero);
        });
    }
}
