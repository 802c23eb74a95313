namespace Dragonfly.Bench.Distribution;

/// <summary>
/// The physical lower bound on the time to give a file of F bytes to every one of N peers (Kumar and Ross's
/// fluid model): D = max(F/u_s, F/d_min, N·F/(u_s + Σu_i)). No schedule can beat it: the server must upload
/// the file at least once, the slowest downloader must receive it, and all N copies must be uploaded by
/// someone. Here the "server" is the origin and the seed together: the origin is capped at u_s and the seed
/// uploads at most u_s too, so every byte enters the swarm at u_s.
/// </summary>
public sealed record LowerBound(double Seconds, string Term)
{
    public static LowerBound For(long fileBytes, int peers, long serverUpload, long peerUpload, long peerDownload)
    {
        var terms = new (double Seconds, string Term)[]
        {
            ((double)fileBytes / serverUpload, "F/u_s"),
            (peerDownload > 0 ? (double)fileBytes / peerDownload : 0, "F/d_min"),
            ((double)peers * fileBytes / (serverUpload + (double)peers * peerUpload), "N·F/(u_s+Σu_i)"),
        };
        var (seconds, term) = terms.MaxBy(t => t.Seconds);
        return new LowerBound(seconds, term);
    }
}
