namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// Where a daemon's unix sockets go. A socket path must fit <c>sun_path</c> (108 bytes with its NUL); when
/// the work directory is too deep for that, the sockets go to a fresh short directory under /tmp, removed on
/// dispose.
/// </summary>
internal sealed class ShortSocketDirectory : IDisposable
{
    /// <summary>Room left for the longest file name put here (e.g. <c>containerd.sock.ttrpc</c>).</summary>
    private const int MaxDirectoryLength = 107 - 24;
    private readonly bool _owned;

    public ShortSocketDirectory(string workDir)
    {
        if (workDir.Length <= MaxDirectoryLength)
        {
            Path = workDir;
            return;
        }
        Path = Directory.CreateTempSubdirectory("dfk-").FullName;
        _owned = true;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (_owned && Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
