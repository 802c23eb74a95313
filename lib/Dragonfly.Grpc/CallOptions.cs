namespace Dragonfly.Grpc;

/// <summary>Per-call settings: custom request metadata, a deadline (UTC, or any kind convertible to UTC) and cancellation.</summary>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default);
