using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

public sealed class V1Alpha1PreheatTaskSpec
{
    [Description("Image preheats the layers of images; File preheats URLs.")]
    [Required]
    [AdditionalPrinterColumn(Name = "Type")]
    public PreheatType Type { get; set; }

    [Description("Image references for type Image, e.g. registry.example.com/team/app:1.4 or docker.io/library/nginx@sha256:<hex>.")]
    [Items(MaxItems = 256)]
    public List<string>? Images { get; set; }

    [Description("http(s) URLs for type File.")]
    [Items(MaxItems = 1024)]
    public List<string>? Urls { get; set; }

    [Description("Platforms of a multi-platform image to preheat, e.g. linux/amd64 or linux/arm64/v8; empty preheats every platform.")]
    public List<string>? Platforms { get; set; }

    [Description("A kubernetes.io/dockerconfigjson Secret in this namespace with credentials for the images' registries.")]
    public string? PullSecretName { get; set; }

    [Description("A Secret in this namespace whose keys and values are HTTP headers sent with File downloads (e.g. Authorization).")]
    public string? HeadersSecretName { get; set; }

    [Description("The Supernode (in this namespace) to warm; empty uses the only Supernode in the namespace.")]
    public string? Supernode { get; set; }

    [Description("Talk to the images' registries over plain HTTP instead of HTTPS (registries without TLS).")]
    public bool PlainHttp { get; set; }

    [Description("Delete this PreheatTask this many seconds after it succeeded or failed; unset keeps it.")]
    [RangeMinimum(Minimum = 0)]
    public int? TtlSecondsAfterFinished { get; set; }
}
