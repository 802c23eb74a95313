namespace Dragonfly.Kubernetes;

/// <summary>A kubeconfig or in-cluster setup that cannot be used, with what is wrong in the message.</summary>
public sealed class KubeConfigException(string message, Exception? inner = null) : Exception(message, inner);
