namespace Dragonfly.Kubernetes;

/// <summary>A bearer token kept in a file that the kubelet rotates: re-read at most once a minute.</summary>
internal sealed class TokenFileReader(string path)
{
    private static readonly TimeSpan RereadAfter = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private string? _token;
    private DateTime _readAt;

    public string Read()
    {
        lock (_gate)
        {
            if (_token is null || DateTime.UtcNow - _readAt > RereadAfter)
            {
                try
                {
                    _token = File.ReadAllText(path).Trim();
                    _readAt = DateTime.UtcNow;
                }
                catch (IOException e) when (_token is not null)
                {
                    // Keep the last token for now; the kubelet writes the file atomically, so this is transient.
                    _ = e;
                }
            }
            return _token;
        }
    }
}
