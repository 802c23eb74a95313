using Dragonfly.Operator.Runtime.Entities;
using DescriptionAttribute = Dragonfly.Operator.Runtime.Entities.DescriptionAttribute;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

[Description("Where the widget keeps its data.")]
public sealed class WidgetStorage
{
    [Required]
    [Length(MinLength = 1, MaxLength = 63)]
    [AdditionalPrinterColumn(Name = "StorageClass", Priority = 1)]
    public string ClassName { get; set; } = string.Empty;

    public long SizeBytes { get; set; }
}
