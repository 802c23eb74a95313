namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// One requested or granted scope, <c>type:name:action[,action]</c>, e.g. <c>repository:library/app:pull,push</c>.
/// The name may itself hold colons (a registry host with a port), so the type ends at the first colon and the
/// actions start after the last.
/// </summary>
public sealed record TokenScope(string Type, string Name, IReadOnlyList<string> Actions)
{
    public static bool TryParse(string text, out TokenScope scope)
    {
        scope = null!;
        var first = text.IndexOf(':', StringComparison.Ordinal);
        var last = text.LastIndexOf(':');
        if (first <= 0 || last <= first + 1)
        {
            return false;
        }
        var actions = text[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        scope = new TokenScope(text[..first], text[(first + 1)..last], actions);
        return true;
    }

    public override string ToString() => $"{Type}:{Name}:{string.Join(',', Actions)}";
}
