using Dragonfly.Core;

namespace Dragonfly.Operator.Preheat;

/// <summary>One blob or file to warm, with the headers the supernode sends to its source (never written to status).</summary>
public sealed record PreheatItem(string Source, string Url, string? Digest, long? Bytes, IReadOnlyDictionary<string, string> Headers)
{
    public TaskId TaskId => new ContentKey(Url, Digest).ToTaskId();
}
