using System.Text.RegularExpressions;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>
/// Whether a string written as a plain (unquoted) YAML scalar would be read back as something else. Readers of
/// CRDs differ (Helm and kubectl read YAML 1.1, where <c>yes</c>, <c>on</c> and <c>y</c> are booleans and
/// <c>0755</c> is octal), so anything a YAML 1.1 or 1.2 resolver could take for a null, boolean, number,
/// timestamp or merge key counts, and anything that merely starts like a number
/// is quoted too.
/// </summary>
internal static partial class YamlPlainScalar
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "", "~", "null", "Null", "NULL",
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
        "<<", "=",
    };

    public static bool NeedsQuotes(string value) => Reserved.Contains(value) || NumberLike().IsMatch(value);

    /// <summary>
    /// Starts like a number (a digit, maybe after a sign or dot) and holds only what numbers, timestamps and
    /// sexagesimals use; or is an infinity or not-a-number.
    /// </summary>
    [GeneratedRegex(@"^([-+]?\.?[0-9][-+.:_0-9a-zA-Z ]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberLike();
}
