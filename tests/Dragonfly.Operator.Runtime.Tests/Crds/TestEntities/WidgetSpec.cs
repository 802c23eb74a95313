using System.Text.Json;
using System.Text.Json.Serialization;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;
using DescriptionAttribute = Dragonfly.Operator.Runtime.Entities.DescriptionAttribute;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

[Description("What the widget should be.")]
public sealed class WidgetSpec
{
    [Required]
    [Description("The image to run.")]
    [Pattern("^[a-z0-9./:-]+$")]
    public string Image { get; set; } = string.Empty;

    [AdditionalPrinterColumn]
    [RangeMinimum(Minimum = 1)]
    [RangeMaximum(Maximum = 10, ExclusiveMaximum = true)]
    [DefaultValue(3)]
    public int Replicas { get; set; } = 3;

    [DefaultValue(WidgetSize.Medium)]
    public WidgetSize Size { get; set; } = WidgetSize.Medium;

    [DefaultValue(0.5)]
    public double Ratio { get; set; } = 0.5;

    [DefaultValue(true)]
    public bool Enabled { get; set; } = true;

    public long? MaxBytes { get; set; }

    public DateTimeOffset? NotAfter { get; set; }

    public IntOrString? Port { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public IDictionary<string, WidgetStorage>? ExtraStorage { get; set; }

    [Items(MinItems = 1, MaxItems = 5)]
    public List<string>? Hosts { get; set; }

    public int[]? Ports { get; set; }

    public IReadOnlyList<WidgetStorage>? Volumes { get; set; }

    public WidgetStorage? Storage { get; set; }

    public WidgetNode? Tree { get; set; }

    public JsonElement? Extra { get; set; }

    [PreserveUnknownFields]
    public WidgetNode? Loose { get; set; }

    [JsonPropertyName("legacy_name")]
    public string? LegacyName { get; set; }

    [JsonIgnore]
    public string? NotSerialized { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Rest { get; set; }
}
