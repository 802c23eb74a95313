using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// A long-running tool (registry, containerd, dockerd) started through <c>sh -c 'exec ...'</c> so that it
/// writes its own output straight into a log file: the PID is the daemon's, and a line is in the file the
/// moment the daemon writes it (no pipe pump between them). Stops only its own PID.
/// </summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;

    private DaemonProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static DaemonProcess Start(string name, string file, IEnumerable<string> args, string logPath, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$DAEMON_LOG\" 2>&1");
        info.ArgumentList.Add(file);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DAEMON_LOG"] = logPath;
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        process.StandardInput.Close();
        return new DaemonProcess(name, process, logPath);
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true. Fails at once when the daemon exits, and with a
    /// <see cref="TimeoutException"/> at the deadline; both messages carry the end of the log.
    /// </summary>
    public async Task WaitUntilAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, string condition, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was {condition}; see {LogPath}:\n{ReadTail()}");
                }
                if (await probe(deadline.Token))
                {
                    return;
                }
                await timer.WaitForNextTickAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} was not {condition} within {timeout.TotalSeconds:0} s; see {LogPath}:\n{ReadTail()}");
        }
    }

    /// <summary>Asks the daemon to stop (SIGTERM) and kills it (SIGKILL) if it is still running after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        if (kill(_process.Id, SigTerm) != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
        using var deadline = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <summary>Kills the daemon's own PID at once and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public string ReadTail(int lines = 30)
    {
        if (!File.Exists(LogPath))
        {
            return "(no log written)";
        }
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var all = new StreamReader(stream).ReadToEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
