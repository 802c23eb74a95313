using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Dragonfly.PeerDaemon.Rpc;

/// <summary>
/// A file with no name yet, in a given directory (Linux <c>O_TMPFILE</c>): if the process dies before
/// <see cref="Link"/>, the kernel frees it and nothing is left behind. Filesystems without O_TMPFILE (and other
/// systems) get null from <see cref="TryCreate"/>; the caller then uses a named temporary file.
/// </summary>
internal static class UnnamedFile
{
    private const int OWriteOnly = 0x1;
    private const int OCloseOnExec = 0x80000;
    private const int AtFdCwd = -100;
    private const int AtSymlinkFollow = 0x400;
    private const int ModeReadWriteAll = 0x1B6; // 0666, less the umask, as for any new file

    /// <summary>O_TMPFILE (__O_TMPFILE | O_DIRECTORY), whose value differs by architecture; null where not known.</summary>
    private static int? TmpFileFlag => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x410000,
        Architecture.Arm64 or Architecture.Arm => 0x404000,
        _ => null,
    };

    /// <summary>An open, writable, nameless file in <paramref name="directory"/>, or null where that is not supported.</summary>
    public static SafeFileHandle? TryCreate(string directory)
    {
        if (!OperatingSystem.IsLinux() || TmpFileFlag is not { } flag)
        {
            return null;
        }
        var fd = open(directory, flag | OWriteOnly | OCloseOnExec, ModeReadWriteAll);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Gives the open nameless file the name <paramref name="path"/> (which must not exist).</summary>
    public static void Link(SafeFileHandle file, string path)
    {
        if (linkat(AtFdCwd, $"/proc/self/fd/{file.DangerousGetHandle()}", AtFdCwd, path, AtSymlinkFollow) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot name the finished file {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int linkat(int oldDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, int newDirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, int flags);
}
