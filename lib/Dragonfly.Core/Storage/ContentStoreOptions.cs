namespace Dragonfly.Core.Storage;

public sealed class ContentStoreOptions
{
    /// <summary>Directory holding one folder per task.</summary>
    public string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "dragonfly");

    /// <summary>Free space that must remain on the disk after a new task's content is allocated.</summary>
    public long ReservedFreeBytes { get; set; } = 256L * 1024 * 1024;
}
