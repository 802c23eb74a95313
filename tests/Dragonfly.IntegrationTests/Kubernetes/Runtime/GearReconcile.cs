namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary>What one reconcile was given: the how-manieth call it was, when it started, and the gear's state.</summary>
public sealed record GearReconcile(int Call, TimeSpan At, long? Generation, int Teeth, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Finalizers);
