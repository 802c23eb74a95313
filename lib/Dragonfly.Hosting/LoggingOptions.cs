namespace Dragonfly.Hosting;

/// <summary>Configuration section <c>log</c>.</summary>
public sealed class LoggingOptions
{
    /// <summary><c>text</c> or <c>json</c>.</summary>
    public string Format { get; set; } = "text";

    /// <summary>Verbose, Debug, Information, Warning, Error or Fatal.</summary>
    public string Level { get; set; } = "Information";

    public IEnumerable<string> Validate()
    {
        if (!Enum.TryParse<Serilog.Events.LogEventLevel>(Level, ignoreCase: true, out _))
        {
            yield return $"log:level '{Level}' is not one of Verbose, Debug, Information, Warning, Error, Fatal";
        }
        if (!Format.Equals("text", StringComparison.OrdinalIgnoreCase) && !Format.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"log:format '{Format}' is not 'text' or 'json'";
        }
    }
}
