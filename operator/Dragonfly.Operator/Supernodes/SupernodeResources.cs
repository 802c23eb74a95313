using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Runtime.Controllers;

namespace Dragonfly.Operator.Supernodes;

/// <summary>
/// The desired objects of a Supernode, built from its spec alone (pure functions, tested without a server):
/// the ConfigMap with the supernode's settings, the headless and client Services, the StatefulSet, the
/// PodDisruptionBudget. Every object is owned by the Supernode.
/// </summary>
public static class SupernodeResources
{
    public const string ConfigFileName = "supernode.json";
    public const string ConfigHashAnnotation = "dragonfly.io/config-hash";
    private const string ConfigDirectory = "/etc/dragonfly";
    private const string TlsDirectory = "/etc/dragonfly/tls";
    private const string DataDirectory = "/var/lib/dragonfly/supernode";
    private const long NonRootUser = 65532;

    public static V1ConfigMap ConfigMap(V1Alpha1Supernode s)
    {
        var spec = s.Spec;
        var config = new JsonObject
        {
            ["listenIp"] = "0.0.0.0",
            ["grpcPort"] = spec.Ports.Grpc,
            ["downloadPort"] = spec.Ports.Download,
            ["metricsPort"] = spec.Ports.Metrics,
            ["dataDir"] = DataDirectory,
            ["backToSourceRateLimit"] = spec.RateLimits.BackToSource,
            ["uploadRateLimit"] = spec.RateLimits.Upload,
            ["pieceSize"] = new JsonObject { ["min"] = spec.PieceSize.Min, ["max"] = spec.PieceSize.Max, ["targetCount"] = spec.PieceSize.TargetCount },
            ["log"] = new JsonObject { ["level"] = spec.LogLevel.ToString(), ["format"] = "json" },
        };
        if (!string.IsNullOrEmpty(spec.CacheQuota))
        {
            config["cache"] = new JsonObject { ["quota"] = spec.CacheQuota };
        }
        if (!string.IsNullOrEmpty(spec.TlsSecretName))
        {
            config["tls"] = new JsonObject
            {
                ["certFile"] = $"{TlsDirectory}/tls.crt",
                ["keyFile"] = $"{TlsDirectory}/tls.key",
                ["caFile"] = $"{TlsDirectory}/ca.crt",
                ["clientAuth"] = spec.TlsClientAuth,
            };
        }
        return Owned(new V1ConfigMap
        {
            Metadata = Meta(s, SupernodeNames.ConfigMap(s)),
            Data = new Dictionary<string, string> { [ConfigFileName] = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) },
        }, s);
    }

    /// <summary>
    /// An HTTP probe of the metrics port, over HTTPS when the pods serve TLS; that port never asks for a client
    /// certificate, so the kubelet (which has none) can probe it under mutual TLS too.
    /// </summary>
    private static V1Probe Probe(V1Alpha1SupernodeSpec spec, string path, IntOrString port, int period, int failures, int? delay)
    {
        var tls = !string.IsNullOrEmpty(spec.TlsSecretName);
        return new V1Probe
        {
            HttpGet = new V1HttpGetAction { Path = path, Port = port, Scheme = tls ? "HTTPS" : null },
            PeriodSeconds = period,
            FailureThreshold = failures,
            InitialDelaySeconds = delay,
        };
    }

    /// <summary>Gives each pod a stable DNS name; publishes not-ready pods so peers can fail over by name.</summary>
    public static V1Service HeadlessService(V1Alpha1Supernode s) => Owned(new V1Service
    {
        Metadata = WithServiceRole(Meta(s, SupernodeNames.HeadlessService(s)), "headless"),
        Spec = new V1ServiceSpec { ClusterIP = "None", Selector = SupernodeNames.Selector(s), Ports = Ports(s), PublishNotReadyAddresses = true },
    }, s);

    public static V1Service ClientService(V1Alpha1Supernode s) => Owned(new V1Service
    {
        Metadata = WithServiceRole(Meta(s, SupernodeNames.ClientService(s)), "client"),
        Spec = new V1ServiceSpec { Type = "ClusterIP", Selector = SupernodeNames.Selector(s), Ports = Ports(s) },
    }, s);

    public static V1StatefulSet StatefulSet(V1Alpha1Supernode s, V1ConfigMap config)
    {
        var spec = s.Spec;
        var persistent = spec.Storage.Size != "0";
        var volumes = new List<V1Volume>
        {
            new() { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = SupernodeNames.ConfigMap(s) } },
            new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
        };
        if (!persistent)
        {
            volumes.Add(new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() });
        }
        var mounts = new List<V1VolumeMount>
        {
            new() { Name = "config", MountPath = ConfigDirectory, ReadOnly = true },
            new() { Name = "data", MountPath = DataDirectory },
            new() { Name = "tmp", MountPath = "/tmp" },
        };
        if (!string.IsNullOrEmpty(spec.TlsSecretName))
        {
            volumes.Add(new V1Volume { Name = "tls", Secret = new V1SecretVolumeSource { SecretName = spec.TlsSecretName } });
            mounts.Add(new V1VolumeMount { Name = "tls", MountPath = TlsDirectory, ReadOnly = true });
        }
        IntOrString probePort = "metrics";
        var container = new V1Container
        {
            Name = "supernode",
            Image = spec.Image,
            ImagePullPolicy = spec.ImagePullPolicy.ToString(),
            Env =
            [
                new V1EnvVar { Name = "DRAGONFLY_config", Value = $"{ConfigDirectory}/{ConfigFileName}" },
                new V1EnvVar { Name = "DRAGONFLY_hostId", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                new V1EnvVar { Name = "DRAGONFLY_advertiseIp", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
            ],
            Ports =
            [
                new V1ContainerPort { Name = "grpc", ContainerPort = spec.Ports.Grpc, Protocol = "TCP" },
                new V1ContainerPort { Name = "download", ContainerPort = spec.Ports.Download, Protocol = "TCP" },
                new V1ContainerPort { Name = "metrics", ContainerPort = spec.Ports.Metrics, Protocol = "TCP" },
            ],
            Resources = spec.Resources is null ? null : new V1ResourceRequirements { Limits = spec.Resources.Limits, Requests = spec.Resources.Requests },
            VolumeMounts = mounts,
            ReadinessProbe = Probe(spec, "/readyz", probePort, period: 5, failures: 3, delay: null),
            LivenessProbe = Probe(spec, "/healthz", probePort, period: 10, failures: 6, delay: 10),
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                ReadOnlyRootFilesystem = true,
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
        };
        return Owned(new V1StatefulSet
        {
            Metadata = Meta(s, SupernodeNames.StatefulSet(s)),
            Spec = new V1StatefulSetSpec
            {
                Replicas = spec.Replicas,
                ServiceName = SupernodeNames.HeadlessService(s),
                Selector = new V1LabelSelector { MatchLabels = SupernodeNames.Selector(s) },
                PodManagementPolicy = "Parallel",
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate" },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = SupernodeNames.Labels(s),
                        Annotations = new Dictionary<string, string> { [ConfigHashAnnotation] = Hash(config.Data![ConfigFileName]) },
                    },
                    Spec = new V1PodSpec
                    {
                        Containers = [container],
                        Volumes = volumes,
                        AutomountServiceAccountToken = false,
                        TerminationGracePeriodSeconds = 30,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = NonRootUser,
                            RunAsGroup = NonRootUser,
                            FsGroup = NonRootUser,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                    },
                },
                VolumeClaimTemplates = persistent
                    ?
                    [
                        new V1PersistentVolumeClaim
                        {
                            Metadata = new V1ObjectMeta { Name = "data", Labels = SupernodeNames.Selector(s) },
                            Spec = new V1PersistentVolumeClaimSpec
                            {
                                AccessModes = ["ReadWriteOnce"],
                                StorageClassName = string.IsNullOrEmpty(spec.Storage.StorageClassName) ? null : spec.Storage.StorageClassName,
                                Resources = new V1ResourceRequirements { Requests = new Dictionary<string, string> { ["storage"] = spec.Storage.Size } },
                            },
                        },
                    ]
                    : null,
            },
        }, s);
    }

    /// <summary>At most one supernode pod down by voluntary disruption (drains, upgrades).</summary>
    public static TBudget DisruptionBudget<TBudget>(V1Alpha1Supernode s) where TBudget : KubernetesObject<V1PodDisruptionBudgetSpec, V1PodDisruptionBudgetStatus>, new() =>
        Owned(new TBudget
        {
            Metadata = Meta(s, SupernodeNames.DisruptionBudget(s)),
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = SupernodeNames.Selector(s) } },
        }, s);

    private static List<V1ServicePort> Ports(V1Alpha1Supernode s) =>
    [
        new() { Name = "grpc", Port = s.Spec.Ports.Grpc, TargetPort = "grpc", Protocol = "TCP" },
        new() { Name = "download", Port = s.Spec.Ports.Download, TargetPort = "download", Protocol = "TCP" },
        new() { Name = "metrics", Port = s.Spec.Ports.Metrics, TargetPort = "metrics", Protocol = "TCP" },
    ];

    private static V1ObjectMeta Meta(V1Alpha1Supernode s, string name) =>
        new() { Name = name, Namespace = s.Metadata.Namespace, Labels = SupernodeNames.Labels(s) };

    /// <summary>Tells the two Services apart for selectors (a ServiceMonitor scrapes each pod once, through the headless one).</summary>
    private static V1ObjectMeta WithServiceRole(V1ObjectMeta meta, string role)
    {
        meta.Labels!["dragonfly.io/service"] = role;
        return meta;
    }

    private static T Owned<T>(T child, V1Alpha1Supernode owner) where T : KubernetesObject
    {
        child.Metadata.OwnerReferences = [owner.MakeOwnerReference()];
        return child.Initialize<T>();
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
