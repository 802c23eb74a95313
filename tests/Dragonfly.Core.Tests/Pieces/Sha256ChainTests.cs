using System.Security.Cryptography;
using Dragonfly.Core.Pieces;

namespace Dragonfly.Core.Tests.Pieces;

public sealed class Sha256ChainTests
{
    [Test]
    public void Implementation_IsLibcrypto_OnThisMachine()
    {
        // The fast path: libcrypto found and its context layout checked against .NET's SHA-256. The managed one is
        // correct but several times slower, so falling back to it here would be a regression worth failing on.
        Assert.That(Sha256Chain.Implementation, Is.EqualTo("libcrypto"));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(55)]
    [TestCase(56)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(119)]
    [TestCase(120)]
    [TestCase(1_000_003)]
    public void Finish_EqualsDotNetSha256_InUnevenAppends(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        using var chain = Sha256Chain.Start();
        var random = new Random(length);
        for (var at = 0; at < length;)
        {
            var take = Math.Min(length - at, random.Next(1, 5000));
            chain.Append(data.AsSpan(at, take));
            at += take;
        }
        Assert.That(chain.Finish(), Is.EqualTo(Digest.Compute(data)));
        Assert.That(chain.Length, Is.EqualTo(length));
    }

    [TestCase(0, 10)]
    [TestCase(64, 0)]
    [TestCase(4096, 1)]
    [TestCase(4 << 20, 3_000_017)]
    public void Resume_FromAMidstate_EndsWhereOneStraightPassEnds(int before, int after)
    {
        var data = RandomNumberGenerator.GetBytes(before + after);
        PieceDigest midstate;
        using (var first = Sha256Chain.Start())
        {
            first.Append(data.AsSpan(0, before));
            midstate = first.Midstate();
        }
        using var second = Sha256Chain.Resume(midstate, before);
        second.Append(data.AsSpan(before));
        Assert.That(second.Finish(), Is.EqualTo(Digest.Compute(data)));
    }

    [Test]
    public void Managed_AgreesWithLibcrypto_OnMidstatesAndDigests()
    {
        var data = RandomNumberGenerator.GetBytes(3 * 65536 + 77);
        using var native = Sha256Chain.Resume(PieceDigest.Initial, 0);
        using var managed = Sha256Chain.ResumeManaged(PieceDigest.Initial, 0);
        native.Append(data.AsSpan(0, 65536));
        managed.Append(data.AsSpan(0, 65536));
        Assert.That(managed.Midstate(), Is.EqualTo(native.Midstate()));

        using var nativeResumed = Sha256Chain.Resume(native.Midstate(), 65536);
        using var managedResumed = Sha256Chain.ResumeManaged(native.Midstate(), 65536);
        nativeResumed.Append(data.AsSpan(65536));
        managedResumed.Append(data.AsSpan(65536));
        Assert.That(managedResumed.Finish(), Is.EqualTo(Digest.Compute(data)));
        Assert.That(nativeResumed.Finish(), Is.EqualTo(Digest.Compute(data)));
    }

    [Test]
    public void Initial_IsSha256sStartingValue()
    {
        using var chain = Sha256Chain.Start();
        Assert.That(chain.Midstate(), Is.EqualTo(PieceDigest.Initial));
    }

    [Test]
    public void ForgedPiece_DoesNotEndAtThePublishedLink()
    {
        const int pieceSize = 64 * 1024;
        var data = RandomNumberGenerator.GetBytes(3 * pieceSize + 100);
        var links = PieceDigest.ChainOf(data, pieceSize);
        var forged = data.AsSpan(pieceSize, pieceSize).ToArray();
        forged[12345] ^= 0x01;

        using (var honest = Sha256Chain.Resume(links[0], pieceSize))
        {
            honest.Append(data.AsSpan(pieceSize, pieceSize));
            Assert.That(honest.EndOfPiece(last: false), Is.EqualTo(links[1]));
        }
        using (var flipped = Sha256Chain.Resume(links[0], pieceSize))
        {
            flipped.Append(forged);
            Assert.That(flipped.EndOfPiece(last: false), Is.Not.EqualTo(links[1]), "one flipped bit");
        }
        using (var misplaced = Sha256Chain.Resume(links[1], 2 * pieceSize))
        {
            // The right bytes of piece 1 offered as piece 2: they do not lead to piece 2's link.
            misplaced.Append(data.AsSpan(pieceSize, pieceSize));
            Assert.That(misplaced.EndOfPiece(last: false), Is.Not.EqualTo(links[2]));
        }
        using var last = Sha256Chain.Resume(links[2], 3 * pieceSize);
        last.Append(data.AsSpan(3 * pieceSize));
        Assert.That(last.EndOfPiece(last: true), Is.EqualTo(links[3]));
        Assert.That(links[3].ContentDigest, Is.EqualTo(Digest.Compute(data)));
    }

    [Test]
    public void Misuse_IsRefusedWithTheReason()
    {
        using var chain = Sha256Chain.Start();
        chain.Append(new byte[100]);
        Assert.Multiple(() =>
        {
            Assert.That(() => chain.Midstate(), Throws.InvalidOperationException.With.Message.Contains("64-byte boundary"));
            Assert.That(chain.EndOfPiece(last: false), Is.Null, "a piece that is not the last must end on a block boundary");
            Assert.That(() => Sha256Chain.Resume(PieceDigest.Initial, 100), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("multiple of 64"));
            Assert.That(() => Sha256Chain.Resume(PieceDigest.Final(Digest.Compute([])), 0), Throws.ArgumentException.With.Message.Contains("whole-content digest"));
        });
    }

    [TestCase("sha256-midstate:6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19", false)]
    [TestCase("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", true)]
    public void PieceDigest_RoundTrips(string text, bool isFinal)
    {
        var digest = PieceDigest.Parse(text);
        Assert.That(digest.ToString(), Is.EqualTo(text));
        Assert.That(digest.IsFinal, Is.EqualTo(isFinal));
    }

    [TestCase("", "piece digest is empty")]
    [TestCase("sha256-midstate:XYZ", "sha256-midstate: followed by 64 lowercase hex")]
    [TestCase("sha256-midstate:6A09E667BB67AE853C6EF372A54FF53A510E527F9B05688C1F83D9AB5BE0CD19", "64 lowercase hex")]
    [TestCase("md5:0123", "algorithm 'md5' is not supported")]
    public void PieceDigest_Malformed_SaysWhatIsWrong(string text, string expected)
    {
        Assert.That(PieceDigest.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Does.Contain(expected));
    }
}
