using System.Text.Json.Nodes;
using Dragonfly.Core;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests;

/// <summary>JSON logs of the real processes: every line parses, and a download's lines carry its task id.</summary>
public sealed class StructuredLogTests : ClusterFixture
{
    [Test]
    public async Task JsonLogs_EveryLineParses_AndTheDownloadsLinesCarryItsTaskScope()
    {
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "data.bin"), 6L << 20);
        string[] json = ["--log:format", "json"];
        var cluster = await StartClusterAsync(peers: 1, peerArgs: json, supernodeArgs: json);
        var url = cluster.Origin.UrlOf("data.bin");
        var peer = cluster.Peers[0];

        var result = await cluster.DfgetAsync(peer, url, Output("out"), cancellationToken: TestTimeout.Token);
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        await peer.Process.DisposeAsync(); // stop it and close its log, so every line is on disk

        var lines = File.ReadAllLines(peer.Process.LogPath).Where(l => l.StartsWith('{')).ToArray();
        var events = lines.Select(l => JsonNode.Parse(l)!).ToArray();
        var taskId = new ContentKey(url.ToString()).ToTaskId().Value;
        var completed = events.Where(e => ((string?)e["MessageTemplate"])?.StartsWith("Completed", StringComparison.Ordinal) == true).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(events, Has.Length.GreaterThan(2));
            Assert.That(events.Select(e => (string?)e["Properties"]?["Component"]), Is.All.EqualTo("peer-daemon"));
            Assert.That(completed, Has.Length.EqualTo(1), "one download, one completion line");
            Assert.That((string?)completed.Single()["Properties"]!["TaskId"], Is.EqualTo(taskId), "the task's scope is on its lines");
            Assert.That((string?)completed.Single()["Properties"]!["PeerId"], Is.Not.Empty);
        });
    }
}
