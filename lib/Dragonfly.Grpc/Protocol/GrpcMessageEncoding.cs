using System.Text;

namespace Dragonfly.Grpc.Protocol;

/// <summary>
/// Percent-encoding of <c>grpc-message</c>: UTF-8 bytes outside printable ASCII, and '%' itself, become %XX.
/// Decoding is lenient: a malformed escape is kept as text.
/// </summary>
internal static class GrpcMessageEncoding
{
    public static string Encode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!NeedsEncoding(message))
        {
            return message;
        }

        var bytes = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    public static string Decode(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded) || !encoded.Contains('%', StringComparison.Ordinal))
        {
            return encoded ?? string.Empty;
        }

        var bytes = new List<byte>(encoded.Length);
        var runStart = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%' && i + 2 < encoded.Length && TryHex(encoded[i + 1], encoded[i + 2], out var value))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(encoded[runStart..i]));
                bytes.Add(value);
                i += 2;
                runStart = i + 1;
            }
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(encoded[runStart..]));
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool NeedsEncoding(string message)
    {
        foreach (var c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryHex(char high, char low, out byte value)
    {
        value = 0;
        var h = HexValue(high);
        var l = HexValue(low);
        if (h < 0 || l < 0)
        {
            return false;
        }

        value = (byte)((h << 4) | l);
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
