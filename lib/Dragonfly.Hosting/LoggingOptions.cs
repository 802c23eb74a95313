namespace Dragonfly.Hosting;

/// <summary>Configuration section <c>log</c>.</summary>
public sealed class LoggingOptions
{
    /// <summary><c>text</c> or <c>json</c>.</summary>
    public string Format { get; set; } = "text";

    /// <summary>Verbose, Debug, Information, Warning, Error or Fatal.</summary>
    public string Level { get; set; } = "Information";
}
