using Dragonfly.Core.Pieces;
using Dragonfly.Fuzzing;
using FsCheck;
using FsCheck.Fluent;

namespace Dragonfly.Core.Tests.Fuzz;

/// <summary>
/// Bounded property runs over the value parsers every endpoint relies on (digests, task ids, byte ranges, content
/// keys, sizes, forwarded headers): they never throw on any input, accept only canonical forms, and what they
/// accept prints back to itself.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class CoreParserFuzzTests
{
    private const string Hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Test]
    public void DigestTryParse_NeverThrows_AcceptsOnlyCanonicalSha256()
    {
        string[] examples = ["sha256:" + Hex, Hex, "sha256:" + Hex.ToUpperInvariant(), "md5:d41d8cd98f00b204e9800998ecf8427e", "sha256:"];

        PropertyRun.Check("Digest.TryParse", FuzzInputs.MutatedOrArbitrary(examples), text =>
        {
            if (Digest.TryParse(text, out var digest, out var error))
            {
                Assert.That(digest.Value.ToString(), Is.EqualTo(text), "only the canonical form is accepted");
                Assert.That(Digest.Parse(digest.Value.ToString()), Is.EqualTo(digest.Value));
            }
            else
            {
                Assert.That(error, Is.Not.Empty);
                Assert.That(() => Digest.Parse(text), Throws.TypeOf<FormatException>());
            }
        });
    }

    [Test]
    public void PieceDigestTryParse_NeverThrows_AcceptsOnlyCanonicalLinks()
    {
        // Piece digests arrive in every scheduler packet; a bad one must be refused, never crash the download.
        string[] examples = ["sha256-midstate:" + Hex, "sha256:" + Hex, "sha256-midstate:" + Hex.ToUpperInvariant(), "sha256-midstate:", "sha256-midstate" + Hex];

        PropertyRun.Check("PieceDigest.TryParse", FuzzInputs.MutatedOrArbitrary(examples), text =>
        {
            if (PieceDigest.TryParse(text, out var digest, out var error))
            {
                Assert.That(digest.Value.ToString(), Is.EqualTo(text), "only the canonical form is accepted");
                Assert.That(PieceDigest.Parse(digest.Value.ToString()), Is.EqualTo(digest.Value));
            }
            else
            {
                Assert.That(error, Is.Not.Empty);
                Assert.That(() => PieceDigest.Parse(text), Throws.TypeOf<FormatException>());
            }
        });
    }

    [Test]
    public void TaskIdTryParse_NeverThrows_AcceptsOnlyFileSafeHex()
    {
        PropertyRun.Check("TaskId.TryParse", FuzzInputs.MutatedOrArbitrary([Hex, Hex + "/..", "../" + Hex]), text =>
        {
            if (TaskId.TryParse(text, out var id))
            {
                Assert.That(id.Value.Value, Is.EqualTo(text).And.Length.EqualTo(64).And.Match("^[0-9a-f]{64}$"));
                Assert.That(TaskId.Parse(text), Is.EqualTo(id.Value));
            }
            else
            {
                Assert.That(() => TaskId.Parse(text), Throws.TypeOf<FormatException>());
            }
        });
    }

    [Test]
    public void ByteRangeTryParse_NeverThrows_AcceptedRangesArePositiveAndPrintBack()
    {
        string[] examples = ["bytes=0-0", "bytes=4194304-8388607", "bytes=1-9223372036854775807", "bytes=0-", "bytes=-5", "bytes=0-1,2-3"];

        PropertyRun.Check("ByteRange.TryParse", FuzzInputs.MutatedOrArbitrary(examples), text =>
        {
            if (ByteRange.TryParse(text, out var range))
            {
                var r = range.Value;
                Assert.That(r.First, Is.GreaterThanOrEqualTo(0));
                Assert.That(r.Last, Is.GreaterThanOrEqualTo(r.First));
                Assert.That(r.Length, Is.Positive, "the length fits in a long");
                Assert.That(ByteRange.TryParse(r.ToString(), out var again) && again == r, Is.True, $"{r} does not parse back");
            }
        });
    }

    [Test]
    public void ByteRange_FormatThenParse_RoundTrips()
    {
        var ranges = Arb.From(
            from first in NonNegativeLong()
            from length in NonNegativeLong()
            select new ByteRange(first, first + length % (long.MaxValue - first)));

        PropertyRun.Check("ByteRange round trip", ranges, range =>
            Assert.That(ByteRange.TryParse(range.ToString(), out var parsed) && parsed == range, Is.True, range.ToString()));
    }

    /// <summary>Non-negative longs of every magnitude, up to near long.MaxValue.</summary>
    private static Gen<long> NonNegativeLong() =>
        from high in Gen.Choose(0, int.MaxValue)
        from low in Gen.Choose(0, int.MaxValue)
        from shift in Gen.Choose(0, 62)
        select (((long)high << 32) | (uint)low) >> shift;

    [Test]
    public void ContentKey_NeverThrows_ValidKeysAreHttpAndGiveOneTaskId()
    {
        string[] urls = ["http://origin.example/file.bin", "https://r.example:5000/v2/a/blobs/sha256:" + Hex + "?x=1&Signature=2", "ftp://h/x", "http://[::1]:80/x", "/etc/passwd", "//host/x", "file:///etc/passwd"];
        string[] digests = ["", "sha256:" + Hex, "sha256:" + Hex[..10]];
        string[] ranges = ["", "bytes=0-1", "bytes=5-1"];
        var keys = Arb.From(
            from url in FuzzInputs.MutatedOrArbitrary(urls).Generator
            from digest in Gen.OneOf(Gen.Elements(digests), FuzzInputs.MutatedOrArbitrary(digests).Generator)
            from range in Gen.OneOf(Gen.Elements(ranges), FuzzInputs.MutatedOrArbitrary(ranges).Generator)
            from filter in Gen.Elements("", "Signature", "x&Signature", "&&")
            select new ContentKey(url, digest.Length == 0 ? null : digest, null, range.Length == 0 ? null : range, filter));

        PropertyRun.Check("ContentKey.Validate/ToTaskId", keys, key =>
        {
            if (key.Validate() is not null)
            {
                return;
            }
            Assert.That(new Uri(key.Url).Scheme, Is.AnyOf("http", "https"));
            Assert.That(key.ToTaskId(), Is.EqualTo((key with { }).ToTaskId()), "the task id is a function of the key");
        });
    }

    [Test]
    public void HttpUrlTryParse_NeverThrows_AcceptsOnlyHttpWithAHost()
    {
        // Bidi controls after "//" are what made Uri.TryCreate itself throw; the tokens put them everywhere.
        string[] examples = ["http://origin.example/file.bin", "https://r.example:5000/v2/?a=b#c", "//\u202e", "file://\u202e", "http:///x", "HTTPS://X", "ftp://x"];
        string[] tokens = [.. FuzzInputs.Hostile, "\u202e", "\u200e", "\u202d", "//", "file://", "http://"];

        PropertyRun.Check("HttpUrl.TryParse", FuzzInputs.MutatedOrArbitrary(examples, tokens), text =>
        {
            if (HttpUrl.TryParse(text, out var uri))
            {
                Assert.That(uri.Scheme, Is.AnyOf("http", "https"));
                Assert.That(uri.Host, Is.Not.Empty);
            }
        });
    }

    [Test]
    public void ByteSizeTryParse_NeverThrows_AcceptedSizesAreNotNegative()
    {
        PropertyRun.Check("ByteSize.TryParse", FuzzInputs.MutatedOrArbitrary(["512", "64K", "1.5G", "100MiB", "10MB", "8T", "0"]), text =>
        {
            if (ByteSize.TryParse(text, out var bytes))
            {
                Assert.That(bytes, Is.GreaterThanOrEqualTo(0));
            }
            else
            {
                Assert.That(() => ByteSize.Parse(text), Throws.TypeOf<FormatException>());
            }
        });
    }

    [Test]
    public void HttpHeadersTryCollect_NeverThrows_AcceptsNoLineBreaksOrBadNames()
    {
        var headers = Arb.From(
            from count in Gen.Choose(0, 4)
            from names in Gen.ArrayOf(FuzzInputs.MutatedOrArbitrary(["Authorization", "X-Token", "Cookie"]).Generator, count)
            from values in Gen.ArrayOf(FuzzInputs.MutatedOrArbitrary(["Bearer abc", "a=b; c=d", ""]).Generator, count)
            select names.Zip(values, KeyValuePair.Create).ToArray());

        PropertyRun.Check("HttpHeaders.TryCollect", headers, pairs =>
        {
            if (HttpHeaders.TryCollect(pairs, out var collected) is null)
            {
                foreach (var (name, value) in collected)
                {
                    Assert.That(name, Does.Match("^[!-9;-~]+$"), "a token of visible ASCII without ':'");
                    Assert.That(value, Does.Not.Contain("\r").And.Not.Contain("\n").And.Not.Contain("\0"));
                }
            }
        });
    }

    [Test]
    public void BitfieldFromBytes_AnyWireBytes_CountMatchesTheSetBits()
    {
        PropertyRun.Check("Bitfield.FromBytes", FuzzInputs.MutatedOrRandomBytes([[0xFF, 0x00, 0x80], []]), bytes =>
        {
            var field = Bitfield.FromBytes(bytes);
            var set = Enumerable.Range(0, bytes.Length * 8).Count(i => field[i]);
            Assert.That(field.Count, Is.EqualTo(set));
            Assert.That(field[-1] || field[bytes.Length * 8], Is.False, "out of range reads are false, not exceptions");
        });
    }
}
