using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Dragonfly.Oci;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge (RFC 7235): a scheme and its parameters, e.g.
/// <c>Bearer realm="https://auth.example/token",service="registry.example",scope="repository:app:pull"</c>.
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    public string? Scope => Parameters.GetValueOrDefault("scope");

    /// <summary>Parses the first challenge of a header value; false when it is not well formed.</summary>
    public static bool TryParse(string? header, [NotNullWhen(true)] out AuthChallenge? challenge)
    {
        challenge = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }
        var text = header.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        if (scheme.Length == 0 || scheme.Contains('=', StringComparison.Ordinal))
        {
            return false;
        }
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? text.Length : space + 1;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }
            var equals = text.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }
            var name = text[i..equals].Trim();
            i = equals + 1;
            if (!TryReadValue(text, ref i, out var value) || name.Length == 0)
            {
                return false;
            }
            parameters[name] = value;
        }
        challenge = new AuthChallenge(scheme, parameters);
        return true;
    }

    private static bool TryReadValue(string text, ref int i, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (i < text.Length && text[i] == '"')
        {
            var builder = new StringBuilder();
            for (i++; i < text.Length; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    builder.Append(text[++i]);
                }
                else if (text[i] == '"')
                {
                    i++;
                    value = builder.ToString();
                    return true;
                }
                else
                {
                    builder.Append(text[i]);
                }
            }
            return false;
        }
        var end = text.IndexOf(',', i);
        end = end < 0 ? text.Length : end;
        value = text[i..end].Trim();
        i = end;
        return true;
    }
}
