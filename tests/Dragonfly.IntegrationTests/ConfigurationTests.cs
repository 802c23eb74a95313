using System.Text.Json.Nodes;
using Dragonfly.IntegrationTests.Chart;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Registry;
using Dragonfly.Operator.Supernodes;

namespace Dragonfly.IntegrationTests;

/// <summary>
/// Each component's configuration, as a user meets it: keys from a file, environment variables and flags; every
/// mistake reported at once, naming its key, with exit code 2; and the configs the chart and the operator write
/// are accepted by the real processes.
/// </summary>
public sealed class ConfigurationTests : ClusterFixture
{
    public static readonly object[] Components =
    [
        new object[] { "supernode", ComponentBinaries.Supernode },
        new object[] { "peer-daemon", ComponentBinaries.PeerDaemon },
        new object[] { "operator", ComponentBinaries.Operator },
    ];

    [TestCaseSource(nameof(Components))]
    public async Task Mistakes_InTheFileTheEnvironmentAndTheFlags_AreAllReportedNamingTheKey_ExitCode2(string component, string dll)
    {
        var file = Output("config.json");
        await File.WriteAllTextAsync(file, """{ "log": { "format": "yaml" }, "tls": { "certFlie": "/x.pem" } }""");
        var env = new Dictionary<string, string>
        {
            ["DRAGONFLY_config"] = file,
            ["DRAGONFLY_log__level"] = "Chatty",
            ["DRAGONFLY_SERVICE_PORT_HTTP"] = "80", // Kubernetes-injected service variables are not settings: a warning only
        };

        var result = await ToolProcess.RunAsync("dotnet", [dll, "--tls:caFiel", "/ca.pem", "--tls:clientAuth", "sometimes"], TimeSpan.FromMinutes(1), TestTimeout.Token, env);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StdErr);
        Assert.That(result.StdErr, Does.Contain($"{component}: invalid configuration:"));
        Assert.Multiple(() =>
        {
            Assert.That(result.StdErr, Does.Contain("tls:certFlie: no such setting"), "a typo in the file");
            Assert.That(result.StdErr, Does.Contain("tls:caFiel: no such setting"), "a typo in a flag");
            Assert.That(result.StdErr, Does.Contain("tls:clientAuth 'sometimes' is not true or false"));
            Assert.That(result.StdErr, Does.Contain("log:level 'Chatty' is not one of"));
            Assert.That(result.StdErr, Does.Contain("log:format 'yaml' is not 'text' or 'json'"));
            Assert.That(result.StdErr, Does.Contain($"{component}: warning: environment variable DRAGONFLY_SERVICE_PORT_HTTP is not a setting; ignored"));
            Assert.That(result.StdErr, Does.Not.Contain("   at "), "no stack trace: a configuration mistake is not a crash");
        });
    }

    [TestCaseSource(nameof(Components))]
    public async Task MissingOrBrokenConfigFile_IsNamed(string component, string dll)
    {
        var broken = Output("broken.json");
        await File.WriteAllTextAsync(broken, """{ "grpcPort": 1, """);

        var missing = await ToolProcess.RunAsync("dotnet", [dll, "--config", Output("absent.json")], TimeSpan.FromMinutes(1), TestTimeout.Token);
        var unreadable = await ToolProcess.RunAsync("dotnet", [dll, "--config", broken], TimeSpan.FromMinutes(1), TestTimeout.Token);

        Assert.That((missing.ExitCode, unreadable.ExitCode), Is.EqualTo((2, 2)), missing.StdErr + unreadable.StdErr);
        Assert.That(missing.StdErr, Does.Contain($"config: the file '{Output("absent.json")}' does not exist"));
        Assert.That(unreadable.StdErr, Does.Contain("config: the file cannot be read as JSON").And.Contain("broken.json").And.Contain("LineNumber"));
    }

    [Test]
    public async Task TheChartsPeerConfig_AndTheOperatorsSupernodeConfig_StartTheRealProcesses()
    {
        // The chart's values become the peer's config file, the operator's Supernode reconcile the supernode's:
        // a key either writes that the process does not know would stop it at start.
        var chart = await RenderedChart.RenderAsync(WorkDir,
            "peer: {cache: {quota: 10Gi}, rateLimits: {upload: 100M}, config: {cache: {highWatermark: 0.95}, download: {pieceTimeout: '00:00:20'}}}", TestTimeout.Token);
        var peerConfig = Output("peer.json");
        await File.WriteAllTextAsync(peerConfig, (string)chart.Get("ConfigMap", "test-dragonfly-peer")["data"]!["peer.json"]!);
        var supernodeConfig = Output("supernode.json");
        var resource = new Dragonfly.Operator.Entities.V1Alpha1Supernode
        {
            Metadata = new Dragonfly.Kubernetes.Models.V1ObjectMeta { Name = "sn", Namespace = "dragonfly", Uid = "00000000-0000-0000-0000-000000000001" },
            Spec = new Dragonfly.Operator.Entities.V1Alpha1SupernodeSpec { Image = "x", CacheQuota = "20Gi" },
        };
        await File.WriteAllTextAsync(supernodeConfig, SupernodeResources.ConfigMap(resource).Data![SupernodeResources.ConfigFileName]);
        var rendered = JsonNode.Parse(await File.ReadAllTextAsync(peerConfig))!;
        Assert.Multiple(() =>
        {
            Assert.That(rendered["cache"]!["quota"]!.GetValue<string>(), Is.EqualTo("10Gi"));
            // peer.config carries any other key under the daemon's own name, merged with what the chart sets.
            Assert.That(rendered["cache"]!["highWatermark"]!.GetValue<double>(), Is.EqualTo(0.95));
            Assert.That(rendered["download"]!["pieceTimeout"]!.GetValue<string>(), Is.EqualTo("00:00:20"));
        });

        // Only what cannot be the same on this machine is overridden: addresses, ports and directories.
        var supernode = Own(await ComponentProcess.StartAsync("supernode", ComponentBinaries.Supernode,
            ["--config", supernodeConfig, "--listenIp", "127.0.0.3", "--grpcPort", "0", "--downloadPort", "0", "--metricsPort", "0", "--dataDir", Output("sn-data")],
            WorkDir, TimeSpan.FromMinutes(1), TestTimeout.Token));
        var peer = Own(await ComponentProcess.StartAsync("peer", ComponentBinaries.PeerDaemon,
            ["--config", peerConfig, "--listenIp", "127.0.0.11", "--grpcPort", "0", "--uploadPort", "0", "--metricsPort", "0", "--mirror:port", "0",
             "--dataDir", Output("peer-data"), "--supernodes", $"127.0.0.3:{supernode.Port("grpcPort")}"],
            WorkDir, TimeSpan.FromMinutes(1), TestTimeout.Token));

        Assert.That(await File.ReadAllTextAsync(supernode.LogPath), Does.Not.Contain("warning"));
        Assert.That(await File.ReadAllTextAsync(peer.LogPath), Does.Not.Contain("warning"));
        Assert.That(peer.Port("mirrorPort"), Is.GreaterThan(0), "the chart's config turns the mirror on");

        // The operator is configured by environment variables in the chart: each must be a setting.
        var operatorEnv = chart.Get("Deployment", "test-dragonfly-operator")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .Where(e => e!["value"] is not null)
            .ToDictionary(e => (string)e!["name"]!, e => (string)e!["value"]!);
        operatorEnv["DRAGONFLY_kubeconfig"] = Output("no-kubeconfig");
        var op = await ToolProcess.RunAsync("dotnet", [ComponentBinaries.Operator], TimeSpan.FromMinutes(1), TestTimeout.Token, operatorEnv);
        Assert.That(operatorEnv.Keys, Does.Contain("DRAGONFLY_watchNamespace").And.Contain("DRAGONFLY_healthPort"));
        Assert.That(op.StdErr, Does.Not.Contain("invalid configuration").And.Not.Contain("warning"), "every variable the chart sets is an operator setting");
        Assert.That(op.StdErr, Does.Contain("cannot reach Kubernetes"), "it got past its configuration to the kubeconfig");
    }
}
