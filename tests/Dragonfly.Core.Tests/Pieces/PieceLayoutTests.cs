using System.Security.Cryptography;
using Dragonfly.Core.Pieces;

namespace Dragonfly.Core.Tests.Pieces;

/// <summary>
/// A piece description is trusted only where the layout puts the piece. These tests first show why: the SHA-256
/// chain verifies the same bytes cut at other 64-byte boundaries just as well.
/// </summary>
public sealed class PieceLayoutTests
{
    private const int PieceSize = 64 * 1024;

    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(3 * PieceSize + 1000);

    private static readonly PieceLayout Layout = new(Content.Length, PieceSize);

    [Test]
    public void Contradiction_PiecesAsTheSeedCutsThem_None()
    {
        var pieces = Honest();

        Assert.Multiple(() =>
        {
            foreach (var piece in pieces)
            {
                Assert.That(Layout.Contradiction(piece), Is.Null, $"piece {piece.Number}");
                Assert.That(PieceLayout.Contradiction(piece, PieceSize), Is.Null, $"piece {piece.Number}, length unknown");
            }
        });
    }

    [Test]
    public void Contradiction_PiecesShiftedBy64Bytes_VerifyByTheChainAlone_ButAreRefused()
    {
        // The same bytes cut 64 bytes earlier: the first piece is shorter, the second starts where the first ends but
        // is described at the layout's offset (a peer trusting it would write its bytes 64 bytes too far on), and the
        // third takes up the slack, so the last piece still ends the content.
        var shiftedCut = new[] { PieceSize - 64, 2 * PieceSize - 64, 3 * PieceSize, Content.Length };
        var chain = new List<Piece>();
        var state = PieceDigest.Initial;
        var start = 0;
        for (var n = 0; n < shiftedCut.Length; n++)
        {
            var end = shiftedCut[n];
            var last = n == shiftedCut.Length - 1;
            using var sha = Sha256Chain.Resume(state, start);
            sha.Append(Content.AsSpan(start, end - start));
            var digest = last ? PieceDigest.Final(sha.Finish()) : sha.Midstate();
            chain.Add(new Piece(n, n == 1 ? PieceSize : start, end - start, digest));
            state = digest;
            start = end;
        }
        Assert.That(chain[^1].Digest.ContentDigest, Is.EqualTo(Digest.Compute(Content)),
            "the shifted cut no longer reaches the content's digest, so this test shows nothing about the layout check");

        Assert.Multiple(() =>
        {
            Assert.That(Layout.Contradiction(chain[0]), Does.Contain($"described as {PieceSize - 64} bytes at offset 0").And.Contain($"put {PieceSize} bytes at offset 0"));
            // Piece 1 is described where the layout puts it; the bytes it would be fetched for are not, but they
            // only come from the shifted neighbours, and those are refused.
            Assert.That(Layout.Contradiction(chain[1]), Is.Null);
            Assert.That(Layout.Contradiction(chain[2]), Does.Contain($"described as {PieceSize + 64} bytes at offset {2 * PieceSize - 64}"));
            Assert.That(PieceLayout.Contradiction(chain[0], PieceSize), Does.Contain($"described as {PieceSize - 64} bytes"));
            Assert.That(PieceLayout.Contradiction(chain[2], PieceSize), Does.Contain($"described at offset {2 * PieceSize - 64}"));
        });
    }

    [Test]
    public void Contradiction_ContentDigestOnAMiddlePiece_Refused()
    {
        var pieces = Honest();
        var middle = pieces[1] with { Digest = pieces[^1].Digest };

        Assert.Multiple(() =>
        {
            Assert.That(Layout.Contradiction(middle), Does.Contain("piece 1 of 4 is described with the whole content's digest"));
            // With the length unknown the piece is whole, so it may be the last; what comes after it is refused.
            Assert.That(PieceLayout.Contradiction(middle, PieceSize), Is.Null);
        });
    }

    [Test]
    public void Contradiction_LastPieceWithAChainingValue_Refused()
    {
        var pieces = Honest();
        var last = pieces[^1] with { Digest = pieces[0].Digest };

        Assert.Multiple(() =>
        {
            Assert.That(Layout.Contradiction(last), Does.Contain("the last piece (3) is described with a chaining value"));
            Assert.That(PieceLayout.Contradiction(last, PieceSize), Does.Contain("every piece but the last has"));
        });
    }

    [TestCase(-1)]
    [TestCase(4)]
    [TestCase(int.MaxValue)]
    public void Contradiction_PieceNumberOutsideTheContent_Refused(int number) =>
        Assert.That(Layout.Contradiction(Honest()[1] with { Number = number }), Does.Contain($"piece {number} does not exist: {Content.Length} bytes"));

    [Test]
    public void Contradiction_LastPieceLongerThanAPiece_LengthUnknown_Refused()
    {
        var last = Honest()[^1] with { Size = PieceSize + 64 };

        Assert.That(PieceLayout.Contradiction(last, PieceSize), Does.Contain($"described as {PieceSize + 64} bytes"));
    }

    private static Piece[] Honest()
    {
        var digests = PieceDigest.ChainOf(Content, PieceSize);
        return digests.Select((digest, n) => new Piece(n, Layout.OffsetOf(n), Layout.SizeOf(n), digest)).ToArray();
    }
}
