using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

public sealed class PreheatProgress
{
    public int ItemsDone { get; set; }
    public int ItemsTotal { get; set; }
    public long BytesDone { get; set; }
    public long BytesTotal { get; set; }

    [Description("itemsDone/itemsTotal, for kubectl get.")]
    [AdditionalPrinterColumn(Name = "Progress")]
    public string Summary { get; set; } = "0/0";
}
