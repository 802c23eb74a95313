using Dragonfly.Core.Pieces;

namespace Dragonfly.Core.Tests.Pieces;

public sealed class BitfieldTests
{
    [Test]
    public void Set_GrowsAndCountsOnce()
    {
        var bits = new Bitfield();
        Assert.That(bits.Set(100), Is.True);
        Assert.That(bits.Set(100), Is.False);
        Assert.That(bits.Set(0), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(bits.Count, Is.EqualTo(2));
            Assert.That(bits[100], Is.True);
            Assert.That(bits[99], Is.False);
            Assert.That(bits[100_000], Is.False);
            Assert.That(bits.SetBits(), Is.EqualTo(new[] { 0, 100 }));
        });
    }

    [Test]
    public void ToBytes_MostSignificantBitFirst_AndTrimmed()
    {
        var bits = new Bitfield();
        bits.Set(0);
        bits.Set(9);
        bits.Set(15);
        Assert.That(bits.ToBytes(10), Is.EqualTo(new byte[] { 0x80, 0x40 }));
        var back = Bitfield.FromBytes(bits.ToBytes(16));
        Assert.That(back.SetBits(), Is.EqualTo(new[] { 0, 9, 15 }));
        Assert.That(back.Count, Is.EqualTo(3));
    }

    [Test]
    public void CountNotIn_CountsOnlyWhatTheOtherLacks()
    {
        var mine = new Bitfield();
        var theirs = new Bitfield();
        foreach (var i in new[] { 1, 2, 3, 40 })
        {
            mine.Set(i);
        }
        theirs.Set(2);
        Assert.That(mine.CountNotIn(theirs), Is.EqualTo(3));
        Assert.That(theirs.CountNotIn(mine), Is.Zero);
    }

    [Test]
    public void Clear_And_HasAll()
    {
        var bits = new Bitfield(4);
        for (var i = 0; i < 4; i++)
        {
            bits.Set(i);
        }
        Assert.That(bits.HasAll(4), Is.True);
        bits.Clear(2);
        Assert.That(bits.HasAll(4), Is.False);
        Assert.That(bits.Count, Is.EqualTo(3));
    }

    [Test]
    public void LacksAnyAdded_OnlyNewBitsThisDoesNotHold_CountAndLengthsMayDiffer()
    {
        var held = new Bitfield();
        held.Set(1);
        held.Set(9);
        static byte[] Of(int bits, params int[] set)
        {
            var b = new Bitfield(bits);
            foreach (var i in set)
            {
                b.Set(i);
            }
            return b.ToBytes(bits);
        }

        Assert.Multiple(() =>
        {
            Assert.That(held.LacksAnyAdded(Of(16, 0, 1), Of(16, 0)), Is.False, "the one new bit (1) is held");
            Assert.That(held.LacksAnyAdded(Of(16, 0, 1, 2), Of(16, 0)), Is.True, "bit 2 is new and not held");
            Assert.That(held.LacksAnyAdded(Of(16, 2), Of(16, 2)), Is.False, "nothing new");
            Assert.That(held.LacksAnyAdded(Of(24, 9, 20), Of(8)), Is.True, "bit 20, beyond both the old offer and what is held");
            Assert.That(held.LacksAnyAdded(Of(16, 9), []), Is.False, "bit 9 is held");
        });
    }
}
