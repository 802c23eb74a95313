using System.Net.Sockets;
using System.Text;

namespace Dragonfly.IntegrationTests.BadInput;

/// <summary>
/// Sends an HTTP/1.1 request as exact bytes over a socket: HttpClient would normalize the very paths these tests
/// are about (dot segments, encoded slashes) and refuse malformed headers before they leave the machine.
/// </summary>
internal static class RawHttpRequest
{
    /// <param name="target">The request target exactly as it goes on the wire.</param>
    /// <param name="headers">Extra header lines, each <c>Name: value</c> (sent as given, repeated names included).</param>
    public static async Task<RawHttpAnswer> SendAsync(string address, string method, string target, IEnumerable<string>? headers = null, CancellationToken cancellationToken = default)
    {
        var colon = address.LastIndexOf(':');
        using var client = new TcpClient();
        await client.ConnectAsync(address[..colon], int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        var stream = client.GetStream();
        var request = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
        foreach (var line in headers ?? [])
        {
            request.Append(line).Append("\r\n");
        }
        request.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()), cancellationToken);
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, cancellationToken);
        }
        catch (IOException) when (received.Length > 0)
        {
            // The server may reset the connection after answering a request it refused; the answer is what counts.
        }
        return RawHttpAnswer.Parse(received.ToArray());
    }
}

/// <summary>An HTTP/1.1 response as received: status, header lines and the raw body (chunked framing left in).</summary>
internal sealed record RawHttpAnswer(int Status, IReadOnlyList<string> HeaderLines, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        HeaderLines.Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();

    public static RawHttpAnswer Parse(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.That(end, Is.GreaterThan(0), $"no complete HTTP response came back ({raw.Length} bytes)");
        var lines = Encoding.Latin1.GetString(raw, 0, end).Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        Assert.That(statusParts[0], Does.StartWith("HTTP/1."), $"not an HTTP response: {lines[0]}");
        return new RawHttpAnswer(int.Parse(statusParts[1], System.Globalization.CultureInfo.InvariantCulture), lines[1..], raw[(end + 4)..]);
    }

    public override string ToString() => $"HTTP {Status}: {(BodyText.Length > 200 ? BodyText[..200] + "..." : BodyText)}";
}
