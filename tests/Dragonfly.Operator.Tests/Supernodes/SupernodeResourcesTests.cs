using System.Text.Json;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Supernodes;

namespace Dragonfly.Operator.Tests.Supernodes;

public sealed class SupernodeResourcesTests
{
    internal static V1Alpha1Supernode Supernode(Action<V1Alpha1SupernodeSpec>? change = null)
    {
        var supernode = new V1Alpha1Supernode
        {
            Metadata = new V1ObjectMeta { Name = "sn", Namespace = "dragonfly", Uid = "uid-1", Generation = 1 },
            Spec = new V1Alpha1SupernodeSpec { Image = "example/supernode:1", Replicas = 3 },
        }.Initialize<V1Alpha1Supernode>();
        change?.Invoke(supernode.Spec);
        return supernode;
    }

    [Test]
    public void Children_AreOwnedByTheSupernode()
    {
        var s = Supernode();
        var config = SupernodeResources.ConfigMap(s);
        KubernetesObject[] children = [config, SupernodeResources.HeadlessService(s), SupernodeResources.ClientService(s),
            SupernodeResources.StatefulSet(s, config), SupernodeResources.DisruptionBudget<V1PodDisruptionBudget>(s)];

        foreach (var child in children)
        {
            var owner = child.Metadata.OwnerReferences!.Single();
            Assert.That((owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.ApiVersion), Is.EqualTo(("Supernode", "sn", "uid-1", (bool?)true, "dragonfly.io/v1alpha1")), child.Kind);
            Assert.That(child.Metadata.Namespace, Is.EqualTo("dragonfly"));
            Assert.That(child.Metadata.Labels!["app.kubernetes.io/instance"], Is.EqualTo("sn"));
        }
    }

    [Test]
    public void ConfigMap_CarriesThePortsLimitsAndPieceSizes_InTheSupernodesKeys()
    {
        var config = SupernodeResources.ConfigMap(Supernode(spec =>
        {
            spec.Ports.Grpc = 9002;
            spec.RateLimits.BackToSource = "200M";
            spec.PieceSize.Min = "8Mi";
            spec.LogLevel = LogLevel.Debug;
        }));

        using var json = JsonDocument.Parse(config.Data![SupernodeResources.ConfigFileName]);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("grpcPort").GetInt32(), Is.EqualTo(9002));
            Assert.That(root.GetProperty("downloadPort").GetInt32(), Is.EqualTo(8001));
            Assert.That(root.GetProperty("metricsPort").GetInt32(), Is.EqualTo(8000));
            Assert.That(root.GetProperty("backToSourceRateLimit").GetString(), Is.EqualTo("200M"));
            Assert.That(root.GetProperty("pieceSize").GetProperty("min").GetString(), Is.EqualTo("8Mi"));
            Assert.That(root.GetProperty("log").GetProperty("level").GetString(), Is.EqualTo("Debug"));
        });
    }

    [Test]
    public void StatefulSet_RunsTheImageNonRoot_WithPersistentCache_AndConfigHash()
    {
        var s = Supernode(spec => spec.Storage.StorageClassName = "fast");
        var sts = SupernodeResources.StatefulSet(s, SupernodeResources.ConfigMap(s));
        var pod = sts.Spec.Template.Spec;
        var container = pod.Containers.Single();

        Assert.Multiple(() =>
        {
            Assert.That(sts.Spec.Replicas, Is.EqualTo(3));
            Assert.That(sts.Spec.ServiceName, Is.EqualTo("sn-headless"));
            Assert.That(sts.Spec.Selector.MatchLabels, Is.SubsetOf(sts.Spec.Template.Metadata!.Labels!));
            Assert.That(container.Image, Is.EqualTo("example/supernode:1"));
            Assert.That(container.Env!.Single(e => e.Name == "DRAGONFLY_config").Value, Is.EqualTo("/etc/dragonfly/supernode.json"));
            Assert.That(pod.SecurityContext!.RunAsNonRoot, Is.True);
            Assert.That(container.SecurityContext!.ReadOnlyRootFilesystem, Is.True);
            Assert.That(container.SecurityContext.Capabilities!.Drop, Is.EqualTo(new[] { "ALL" }));
            Assert.That(sts.Spec.VolumeClaimTemplates!.Single().Spec.StorageClassName, Is.EqualTo("fast"));
            Assert.That(sts.Spec.VolumeClaimTemplates!.Single().Spec.Resources!.Requests!["storage"], Is.EqualTo("10Gi"));
            Assert.That(container.ReadinessProbe!.HttpGet!.Port.StringValue, Is.EqualTo("metrics"));
            Assert.That(container.Ports!.Single(p => p.Name == "metrics").ContainerPort, Is.EqualTo(8000));
        });
    }

    [Test]
    public void StatefulSet_ConfigChange_ChangesThePodTemplate_SoPodsRoll()
    {
        var before = Supernode();
        var after = Supernode(spec => spec.RateLimits.Upload = "1G");

        string Hash(V1Alpha1Supernode s) =>
            SupernodeResources.StatefulSet(s, SupernodeResources.ConfigMap(s)).Spec.Template.Metadata!.Annotations![SupernodeResources.ConfigHashAnnotation];

        Assert.That(Hash(after), Is.Not.EqualTo(Hash(before)));
        Assert.That(Hash(Supernode()), Is.EqualTo(Hash(before)));
    }

    [Test]
    public void StatefulSet_SizeZero_UsesEmptyDir_AndTlsSecretIsMounted()
    {
        var s = Supernode(spec =>
        {
            spec.Storage.Size = "0";
            spec.TlsSecretName = "sn-tls";
        });
        var sts = SupernodeResources.StatefulSet(s, SupernodeResources.ConfigMap(s));

        Assert.That(sts.Spec.VolumeClaimTemplates, Is.Null);
        Assert.That(sts.Spec.Template.Spec.Volumes!.Single(v => v.Name == "data").EmptyDir, Is.Not.Null);
        Assert.That(sts.Spec.Template.Spec.Volumes!.Single(v => v.Name == "tls").Secret!.SecretName, Is.EqualTo("sn-tls"));
    }

    [Test]
    public void StatefulSet_MutualTls_ProbesTheMetricsPortOverHttps()
    {
        // The kubelet has no client certificate; the metrics port never asks for one, so it is probed over HTTPS.
        var s = Supernode(spec =>
        {
            spec.TlsSecretName = "sn-tls";
            spec.TlsClientAuth = true;
        });
        var container = SupernodeResources.StatefulSet(s, SupernodeResources.ConfigMap(s)).Spec.Template.Spec.Containers.Single();

        foreach (var probe in new[] { container.ReadinessProbe!, container.LivenessProbe! })
        {
            Assert.That(probe.TcpSocket, Is.Null);
            Assert.That(probe.HttpGet!.Port.StringValue, Is.EqualTo("metrics"));
            Assert.That(probe.HttpGet.Scheme, Is.EqualTo("HTTPS"));
        }
    }

    [Test]
    public void Endpoints_AreStablePodNamesOfTheHeadlessService()
    {
        Assert.That(SupernodeNames.Endpoints(Supernode()), Is.EqualTo(new[]
        {
            "sn-0.sn-headless.dragonfly.svc:8002", "sn-1.sn-headless.dragonfly.svc:8002", "sn-2.sn-headless.dragonfly.svc:8002",
        }));
    }
}
