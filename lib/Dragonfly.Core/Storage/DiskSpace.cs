namespace Dragonfly.Core.Storage;

/// <summary>Size and free space of the file system holding a directory.</summary>
public readonly record struct DiskSpace(long Total, long Free)
{
    public long Used => Total - Free;

    public static DiskSpace Of(string path)
    {
        var drive = new DriveInfo(path);
        return new DiskSpace(drive.TotalSize, drive.AvailableFreeSpace);
    }
}
