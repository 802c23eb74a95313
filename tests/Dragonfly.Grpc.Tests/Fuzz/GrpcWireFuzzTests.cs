using System.IO.Pipelines;
using System.Text;
using Dragonfly.Fuzzing;
using Dragonfly.Grpc.Protocol;
using Dragonfly.Grpc.Tests.Interop;
using Dragonfly.Grpc.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace Dragonfly.Grpc.Tests.Fuzz;

/// <summary>
/// Bounded property runs over what our gRPC library decodes from the wire: message frames (in any split, of any
/// bytes), grpc-timeout, grpc-message and metadata. A hostile peer gets a protocol status, never another
/// exception, and nothing decoded can smuggle a line break into a header.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class GrpcWireFuzzTests
{
    private const int Limit = 1024;

    /// <summary>Frames of these texts, and where the stream is cut into writes.</summary>
    private static readonly Gen<(string[] Texts, int[] Cuts)> FramesAndCuts =
        from count in Gen.Choose(0, 5)
        from texts in Gen.ArrayOf(ArbMap.Default.GeneratorFor<string>().Select(ShortValidText), count)
        from cuts in Gen.ArrayOf(Gen.Choose(1, 2000))
        select (texts, cuts);

    /// <summary>At most 200 characters of valid UTF-16, so each message stays under the limit and survives UTF-8.</summary>
    private static string ShortValidText(string? text)
    {
        var cut = (text ?? "")[..Math.Min(200, text?.Length ?? 0)];
        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(cut)) == cut ? cut : "";
    }

    [Test]
    public void FrameReader_ValidFramesCutAnywhere_ReadsExactlyTheMessages()
    {
        var inputs = Arb.From(FramesAndCuts);

        PropertyRun.CheckAsync("GrpcFrameReader round trip", inputs, async input =>
        {
            var bytes = input.Texts.SelectMany(t => RawGrpcClient.Frame(new EchoRequest { Text = t })).ToArray();

            var (messages, error) = await ReadAllAsync(bytes, input.Cuts);

            Assert.That(error, Is.Null);
            Assert.That(messages.Select(m => m.Text), Is.EqualTo(input.Texts));
        });
    }

    [Test]
    public void FrameReader_AnyBytesCutAnywhere_OnlyInternalOrResourceExhausted()
    {
        byte[][] examples =
        [
            RawGrpcClient.Frame(new EchoRequest { Text = "hello" }),
            [.. RawGrpcClient.Frame(new EchoRequest { Text = "one" }), .. RawGrpcClient.Frame(new EchoRequest { Text = new string('y', 300) })],
            [0, 0, 0, 4, 1], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0], [],
        ];
        var inputs = Arb.From(
            from bytes in FuzzInputs.MutatedOrRandomBytes(examples).Generator
            from cuts in Gen.ArrayOf(Gen.Choose(1, 64))
            select (bytes, cuts));

        PropertyRun.CheckAsync("GrpcFrameReader any bytes", inputs, async input =>
        {
            var (messages, error) = await ReadAllAsync(input.bytes, input.cuts);

            if (error is not null)
            {
                Assert.That(error, Is.TypeOf<RpcException>(), error.ToString());
                Assert.That(((RpcException)error).StatusCode, Is.AnyOf(StatusCode.Internal, StatusCode.ResourceExhausted));
                Assert.That(((RpcException)error).Status.Detail, Is.Not.Empty);
            }
            // Sizes are not compared: invalid UTF-8 in a string field decodes to U+FFFD and re-encodes larger.
            Assert.That(messages.Count * 5, Is.LessThanOrEqualTo(input.bytes.Length), "never more messages than the bytes hold frames");
        });
    }

    [Test]
    public void GrpcTimeoutTryParse_NeverThrows_FormatThenParseNeverWaitsLess()
    {
        PropertyRun.Check("GrpcTimeout.TryParse", FuzzInputs.MutatedOrArbitrary(["1H", "250m", "99999999S", "1n", "00000005S", "123456789S"]), text =>
        {
            if (GrpcTimeout.TryParse(text, out var timeout))
            {
                Assert.That(timeout, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
            }
        });

        var timeouts = Arb.From(Gen.Choose(1, int.MaxValue).SelectMany(a => Gen.Choose(0, 22).Select(shift => TimeSpan.FromTicks((long)a << shift))));
        PropertyRun.Check("GrpcTimeout round trip", timeouts, timeout =>
        {
            var text = GrpcTimeout.Format(timeout);
            Assert.That(GrpcTimeout.TryParse(text, out var parsed), Is.True, text);
            Assert.That(parsed, Is.GreaterThanOrEqualTo(timeout), $"{timeout} went out as {text}");
        });
    }

    [Test]
    public void GrpcMessageEncoding_EncodedIsOneHeaderLine_DecodeNeverThrowsAndInvertsEncode()
    {
        var texts = Arb.From(Gen.OneOf(
            FuzzInputs.MutatedOrArbitrary(["plain", "ä 100%", "line\r\nbreak", "%41%zz%", "\u202e😀"]).Generator,
            ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")));

        PropertyRun.Check("GrpcMessageEncoding", texts, text =>
        {
            _ = GrpcMessageEncoding.Decode(text);
            if (Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)) != text)
            {
                return; // a lone surrogate has no UTF-8 form to carry
            }
            var encoded = GrpcMessageEncoding.Encode(text);
            Assert.That(encoded.All(c => c is >= ' ' and <= '~'), Is.True, $"'{encoded}' is not printable ASCII");
            Assert.That(GrpcMessageEncoding.Decode(encoded), Is.EqualTo(text));
        });
    }

    [Test]
    public void MetadataAdd_AcceptsOnlyHeaderSafeKeysAndValues_ElseArgumentException()
    {
        var pairs = Arb.From(
            from key in FuzzInputs.MutatedOrArbitrary(["x-request-id", "trace-bin", "Authorization"]).Generator
            from value in FuzzInputs.MutatedOrArbitrary(["abc", "AAEC", "Bearer x"]).Generator
            select (key, value));

        PropertyRun.Check("Metadata.Add", pairs, pair =>
        {
            var metadata = new Metadata();
            try
            {
                metadata.Add(pair.key, pair.value);
            }
            catch (ArgumentException)
            {
                Assert.That(metadata.Count, Is.Zero);
                return;
            }
            var entry = metadata.Single();
            Assert.That(entry.Key, Does.Match("^[0-9a-z_.-]+$"));
            Assert.That(entry.Value.All(c => c is >= ' ' and <= '~'), Is.True, $"'{entry.Value}' would break the header block");
        });
    }

    /// <summary>Feeds <paramref name="bytes"/> in writes of the given sizes (cycled) and reads messages until the end or an error.</summary>
    private static async Task<(List<EchoRequest> Messages, Exception? Error)> ReadAllAsync(byte[] bytes, int[] cuts)
    {
        // Inline schedulers: each flush runs the reader up to its next wait, so the reads see exactly these cuts.
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
        var messages = new List<EchoRequest>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var reading = ReadAsync();
        var offset = 0;
        for (var i = 0; offset < bytes.Length && !reading.IsCompleted; i++)
        {
            var size = cuts.Length == 0 ? bytes.Length : Math.Min(cuts[i % cuts.Length], bytes.Length - offset);
            await pipe.Writer.WriteAsync(bytes.AsMemory(offset, size), timeout.Token);
            offset += size;
        }
        await pipe.Writer.CompleteAsync();
        return (messages, await reading);

        async Task<Exception?> ReadAsync()
        {
            try
            {
                while (await GrpcFrameReader.ReadMessageAsync(pipe.Reader, EchoRequest.Parser, Limit, timeout.Token) is { } message)
                {
                    messages.Add(message);
                }
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }
    }
}
