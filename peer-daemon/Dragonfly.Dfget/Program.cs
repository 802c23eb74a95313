using System.CommandLine;
using Dragonfly.Dfget;

var url = new Argument<string>("url") { Description = "The http(s) URL to download." };
var output = new Option<string>("--output", "-O") { Description = "File to write; it appears only once complete and verified.", Required = true };
var headers = new Option<string[]>("--header", "-H") { Description = "Header for the source, 'Name: value' (repeatable), e.g. authorization.", AllowMultipleArgumentsPerToken = false };
var digest = new Option<string?>("--digest") { Description = "Expected sha256:<hex> of the content; the download fails if it differs." };
var limit = new Option<string?>("--limit") { Description = "Rate limit for this download in bytes per second, e.g. 20M." };
var tag = new Option<string?>("--tag") { Description = "Separates otherwise equal URLs into different tasks." };
var filter = new Option<string?>("--filter") { Description = "Query parameters, '&'-separated, that do not change the content (e.g. Signature&Expires)." };
var daemon = new Option<string>("--daemon") { Description = "Address of the local peer daemon's API.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DFGET_DAEMON") ?? "127.0.0.1:65000" };
var noSource = new Option<bool>("--no-back-to-source") { Description = "Fail instead of downloading from the source when P2P cannot serve." };
var timeout = new Option<TimeSpan>("--timeout") { Description = "Give up after this long (hh:mm:ss).", DefaultValueFactory = _ => TimeSpan.FromHours(1) };
var json = new Option<bool>("--json") { Description = "Print a JSON summary on stdout and no progress." };

var root = new RootCommand("dfget: download a file through the Dragonfly P2P network via the local peer daemon.\n\n" +
    "Exit codes: 0 ok, 2 bad arguments, 3 peer daemon unreachable, 4 source says not found, 5 source denied access, " +
    "6 download failed, 7 digest mismatch, 8 disk full, 9 output not writable, 10 timed out, 130 interrupted.")
{
    url, output, headers, digest, limit, tag, filter, daemon, noSource, timeout, json,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var daemonText = parse.GetValue(daemon)!;
    if (!Uri.TryCreate(daemonText.Contains("://", StringComparison.Ordinal) ? daemonText : "http://" + daemonText, UriKind.Absolute, out var daemonUri))
    {
        await Console.Error.WriteLineAsync($"dfget: --daemon '{daemonText}' is not host:port");
        return ExitCodes.InvalidArguments;
    }
    var args = new DfgetArguments(
        parse.GetValue(url)!, parse.GetValue(output)!, parse.GetValue(headers) ?? [], parse.GetValue(digest), parse.GetValue(limit),
        parse.GetValue(tag), parse.GetValue(filter), daemonUri, parse.GetValue(noSource), parse.GetValue(timeout), parse.GetValue(json));
    return await DfgetCommand.RunAsync(args, Console.Out, Console.Error, cancellationToken);
});
var result = root.Parse(args);
if (result.Errors.Count > 0)
{
    foreach (var error in result.Errors)
    {
        Console.Error.WriteLine($"dfget: {error.Message}");
    }
    Console.Error.WriteLine("dfget: see dfget --help");
    return ExitCodes.InvalidArguments;
}
return await result.InvokeAsync();
