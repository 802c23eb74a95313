using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Dragonfly.Fuzzing;

/// <summary>
/// Inputs for parser properties: valid examples mutated a few times with the tokens that break parsers (separators,
/// encodings, traversal, huge numbers, control characters), mixed with FsCheck's arbitrary strings. Mutated valid
/// inputs reach deep into a parser; arbitrary ones cover what no example suggests. Failing inputs shrink by
/// halves and by single characters.
/// </summary>
public static class FuzzInputs
{
    /// <summary>Tokens that tend to sit on a parser's edges.</summary>
    public static readonly string[] Hostile =
    [
        "", "/", "//", "..", "../", "%2f", "%2F", "%2e", "%2e%2e", "%00", "\0", "\\", ":", "::", "@", "?", "#", "&", "=",
        "-", "--", "_", "__", ".", ",", " ", "\t", "\r\n", "\n", "%", "%%", "%zz", "+", "*", "sha256:", "sha512:", "bytes=",
        "0", "-1", "9223372036854775807", "9223372036854775808", "18446744073709551616", "99999999999999999999",
        "A", "Z", "G", "f", "ä", "\u00a0", "\u202e", "\ud800", "\uffff", "😀", "[", "]", "{", "}", "\"", "'", "<", ">",
    ];

    /// <summary><paramref name="examples"/> mutated 1 to 4 times (70%), or an arbitrary string (30%).</summary>
    public static Arbitrary<string> MutatedOrArbitrary(IReadOnlyList<string> examples, IReadOnlyList<string>? tokens = null) =>
        Arb.From(Gen.Frequency((7, Mutated(examples, tokens ?? Hostile)), (3, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""))), Shrink);

    public static Gen<string> Mutated(IReadOnlyList<string> examples, IReadOnlyList<string> tokens) =>
        from example in Gen.Elements(examples.ToArray())
        from steps in Gen.Choose(1, 4)
        from mutations in Gen.ArrayOf(Mutation(tokens), steps)
        select mutations.Aggregate(example, (text, mutate) => mutate(text));

    private static Gen<Func<string, string>> Mutation(IReadOnlyList<string> tokens) =>
        from kind in Gen.Choose(0, 7)
        from a in Gen.Choose(0, 1 << 20)
        from b in Gen.Choose(0, 1 << 20)
        from token in Gen.Elements(tokens.ToArray())
        select (Func<string, string>)(text => Apply(kind, a, b, token, text));

    private static string Apply(int kind, int a, int b, string token, string text)
    {
        var at = text.Length == 0 ? 0 : a % (text.Length + 1);
        var span = text.Length == 0 ? 0 : b % (text.Length - Math.Min(at, text.Length) + 1);
        return kind switch
        {
            0 => text.Insert(at, token),
            1 => text.Remove(Math.Min(at, text.Length), Math.Min(span, text.Length - Math.Min(at, text.Length))),
            2 when at < text.Length => text[..at] + token + text[(at + 1)..],
            3 => text[..at],
            4 => text + text[at..],
            5 when at < text.Length => text[..at] + (char.IsUpper(text[at]) ? char.ToLowerInvariant(text[at]) : char.ToUpperInvariant(text[at])) + text[(at + 1)..],
            6 when at < text.Length => text[..at] + "%" + ((int)text[at] % 256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + text[(at + 1)..],
            7 => text.Insert(at, new string(token.Length > 0 ? token[0] : 'x', 1 + b % 300)),
            _ => text + token,
        };
    }

    /// <summary>Random bytes (50%) or <paramref name="examples"/> with bytes flipped, cut or repeated (50%).</summary>
    public static Arbitrary<byte[]> MutatedOrRandomBytes(IReadOnlyList<byte[]> examples) =>
        Arb.From(Gen.Frequency((1, ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? [])), (1, MutatedBytes(examples))), ShrinkBytes);

    private static Gen<byte[]> MutatedBytes(IReadOnlyList<byte[]> examples) =>
        from example in Gen.Elements(examples.ToArray())
        from kind in Gen.Choose(0, 4)
        from a in Gen.Choose(0, 1 << 20)
        from value in Gen.Choose(0, 255)
        select MutateBytes(example, kind, a, (byte)value);

    private static byte[] MutateBytes(byte[] bytes, int kind, int a, byte value)
    {
        var at = bytes.Length == 0 ? 0 : a % bytes.Length;
        return kind switch
        {
            0 when bytes.Length > 0 => bytes.Select((b, i) => i == at ? value : b).ToArray(),
            1 => bytes[..at],
            2 => [.. bytes, .. bytes[at..]],
            3 => [.. bytes[..at], value, .. bytes[at..]],
            _ => [.. bytes, value],
        };
    }

    public static IEnumerable<string> Shrink(string text)
    {
        if (text.Length == 0)
        {
            yield break;
        }
        yield return text[..(text.Length / 2)];
        yield return text[(text.Length / 2)..];
        if (text.Length <= 128)
        {
            for (var i = 0; i < text.Length; i++)
            {
                yield return text.Remove(i, 1);
            }
        }
    }

    private static IEnumerable<byte[]> ShrinkBytes(byte[] bytes) =>
        Shrink(Encoding.Latin1.GetString(bytes)).Select(Encoding.Latin1.GetBytes);
}
