namespace Dragonfly.Core.Storage;

/// <summary>Keeps content from being evicted while it is read; dispose when the read is over.</summary>
public sealed class ContentLease : IDisposable
{
    private StoredContent? _content;

    internal ContentLease(StoredContent content) => _content = content;

    public StoredContent Content => _content ?? throw new ObjectDisposedException(nameof(ContentLease));

    public void Dispose() => Interlocked.Exchange(ref _content, null)?.Release();
}
