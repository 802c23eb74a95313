using System.Globalization;
using Dragonfly.Core;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Dfget;

/// <summary>Progress on stderr: a redrawn line on a terminal, a plain line every few seconds otherwise.</summary>
public sealed class ProgressReporter(TextWriter error, bool interactive, TimeProvider time)
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);
    private long _lastPlain = time.GetTimestamp();
    private bool _drewLine;

    public void Report(DownloadProgress progress)
    {
        if (interactive)
        {
            error.Write("\r" + Describe(progress).PadRight(Console.IsErrorRedirected ? 0 : Math.Max(0, Console.WindowWidth - 1)));
            _drewLine = true;
            return;
        }
        if (time.GetElapsedTime(_lastPlain) >= PlainInterval)
        {
            _lastPlain = time.GetTimestamp();
            error.WriteLine("dfget: " + Describe(progress));
        }
    }

    public void Finish()
    {
        if (_drewLine)
        {
            error.WriteLine();
            _drewLine = false;
        }
    }

    public static string Describe(DownloadProgress p)
    {
        var seconds = Math.Max(0.001, p.ElapsedMillis / 1000.0);
        var rate = ByteSize.Format((long)(p.CompletedBytes / seconds)) + "/s";
        if (p.ContentLength <= 0)
        {
            return $"{ByteSize.Format(p.CompletedBytes)} {rate}";
        }
        var percent = 100.0 * p.CompletedBytes / p.ContentLength;
        var filled = (int)(percent / 5);
        var bar = new string('#', filled) + new string('.', 20 - filled);
        return string.Create(CultureInfo.InvariantCulture, $"[{bar}] {percent,5:0.0}% {ByteSize.Format(p.CompletedBytes)} / {ByteSize.Format(p.ContentLength)} {rate}");
    }
}
