using System.Diagnostics.CodeAnalysis;

namespace Dragonfly.Core;

/// <summary>
/// Identifies one piece of content across the cluster: 64 lowercase hex characters. Safe to use as a file
/// name, because nothing else parses.
/// </summary>
public readonly record struct TaskId
{
    private TaskId(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    public static TaskId FromDigest(Digest digest) => new(digest.Hex);

    public static bool TryParse(string? text, [NotNullWhen(true)] out TaskId? taskId)
    {
        taskId = null;
        if (text is null || text.Length != 64 || !Digest.IsLowerHex(text))
        {
            return false;
        }
        taskId = new TaskId(text);
        return true;
    }

    public static TaskId Parse(string text) =>
        TryParse(text, out var id) ? id.Value : throw new FormatException($"task id '{text}' is not 64 lowercase hex characters");
}
