using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

public sealed class SupernodePorts
{
    [Description("The scheduler's gRPC port.")]
    [RangeMinimum(Minimum = 1)]
    [RangeMaximum(Maximum = 65535)]
    [DefaultValue(8002)]
    public int Grpc { get; set; } = 8002;

    [Description("The piece server's HTTP port.")]
    [RangeMinimum(Minimum = 1)]
    [RangeMaximum(Maximum = 65535)]
    [DefaultValue(8001)]
    public int Download { get; set; } = 8001;

    [Description("The port of /metrics, /healthz and /readyz (probes and Prometheus); with TLS it serves TLS but never asks for a client certificate.")]
    [RangeMinimum(Minimum = 1)]
    [RangeMaximum(Maximum = 65535)]
    [DefaultValue(8000)]
    public int Metrics { get; set; } = 8000;
}
