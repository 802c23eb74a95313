namespace Dragonfly.Hosting;

/// <summary>A configuration value is invalid; the message names the key and what is accepted.</summary>
public sealed class OptionsValidationFailure(string message) : Exception(message);
