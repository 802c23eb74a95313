namespace Dragonfly.Core.Storage;

/// <summary>The disk cannot take the content. The message says how much was needed and how much is free.</summary>
public sealed class InsufficientStorageException(string message) : IOException(message);
