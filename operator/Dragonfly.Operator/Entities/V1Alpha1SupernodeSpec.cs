using System.Text.Json.Serialization;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

[Description("The desired supernode. Changing any field rolls the StatefulSet.")]
public sealed class V1Alpha1SupernodeSpec
{
    [Description("Supernode pods. Each task has a home replica chosen by rendezvous hashing; peers move to the next one when it fails.")]
    [RangeMinimum(Minimum = 1)]
    [RangeMaximum(Maximum = 64)]
    [DefaultValue(1)]
    [AdditionalPrinterColumn(Name = "Desired")]
    public int Replicas { get; set; } = 1;

    [Description("Container image of the supernode.")]
    [Required]
    [Length(MinLength = 1)]
    public string Image { get; set; } = string.Empty;

    [Description("When the kubelet pulls the image.")]
    [DefaultValue("IfNotPresent")]
    public ImagePullPolicy ImagePullPolicy { get; set; } = ImagePullPolicy.IfNotPresent;

    [Description("CPU and memory requests and limits of the supernode container.")]
    public ResourceRequirements? Resources { get; set; }

    [Description("The piece cache volume.")]
    public SupernodeStorage Storage { get; set; } = new();

    [Description("Most bytes of content the piece cache keeps (cache:quota). Past 90 % of it the least recently used content is evicted down to 80 %. Unset: the volume's size is the limit (the same watermarks apply to the disk).")]
    [Pattern(DragonflyApi.QuantityPattern)]
    public string? CacheQuota { get; set; }

    [Description("How content is cut into pieces.")]
    public PieceSizePolicySpec PieceSize { get; set; } = new();

    [Description("Host-level bandwidth limits of each supernode pod.")]
    public SupernodeRateLimits RateLimits { get; set; } = new();

    [Description("Ports of each supernode pod.")]
    public SupernodePorts Ports { get; set; } = new();

    [Description("A kubernetes.io/tls Secret with tls.crt, tls.key and ca.crt (as cert-manager's CA issuer writes it), mounted at /etc/dragonfly/tls: the scheduler and piece ports serve TLS with it, and peers must trust ca.crt.")]
    public string? TlsSecretName { get; set; }

    [Description("With tlsSecretName: require clients (peers, the operator) to present a certificate signed by ca.crt (mutual TLS).")]
    public bool TlsClientAuth { get; set; }

    [Description("Log level of the supernode: Verbose, Debug, Information, Warning, Error.")]
    [DefaultValue("Information")]
    public LogLevel LogLevel { get; set; } = LogLevel.Information;
}
