using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace Dragonfly.Hosting;

public static class HostingExtensions
{
    /// <summary>
    /// The configuration sources of every component, later ones winning: a JSON file named by the <c>config</c>
    /// key (<c>--config FILE</c> or <c>DRAGONFLY_config</c>; the operator mounts its ConfigMap this way), then
    /// environment variables with the <c>DRAGONFLY_</c> prefix (<c>__</c> for nesting), then the command line.
    /// </summary>
    public static ConfigurationManager AddDragonflyConfiguration(this ConfigurationManager configuration, string[] args)
    {
        var early = new ConfigurationBuilder().AddEnvironmentVariables("DRAGONFLY_").AddCommandLine(args).Build();
        if (early["config"] is { Length: > 0 } file)
        {
            if (!File.Exists(file))
            {
                throw new OptionsValidationFailure($"config: the file '{file}' does not exist");
            }
            configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        configuration.AddEnvironmentVariables("DRAGONFLY_").AddCommandLine(args);
        return configuration;
    }

    /// <summary>
    /// Serilog on the console (text or JSON, section <c>log</c>) as the only logging provider, with the
    /// component name on every event.
    /// </summary>
    public static WebApplicationBuilder UseDragonflyLogging(this WebApplicationBuilder builder, string component)
    {
        var options = builder.Configuration.GetSection("log").Get<LoggingOptions>() ?? new LoggingOptions();
        if (options.Validate().FirstOrDefault() is { } problem)
        {
            throw new OptionsValidationFailure(problem); // the components report it at start; this guards other callers
        }
        var level = Enum.Parse<LogEventLevel>(options.Level, ignoreCase: true);
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Component", component);
        config = options.Format.ToLowerInvariant() switch
        {
            "json" => config.WriteTo.Console(new JsonFormatter(renderMessage: true), standardErrorFromLevel: LogEventLevel.Verbose),
            "text" => config.WriteTo.Console(
                outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Component}] {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose),
            _ => throw new OptionsValidationFailure($"log:format '{options.Format}' is not 'text' or 'json'"),
        };
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(config.CreateLogger(), dispose: true);
        return builder;
    }

    /// <summary>
    /// Writes <paramref name="values"/> as JSON to <paramref name="path"/> atomically: launchers (make run,
    /// tests, the benchmark) wait for this file to learn the bound ports instead of guessing with sleeps.
    /// </summary>
    public static async Task WriteReadyFileAsync(string? path, IReadOnlyDictionary<string, object> values, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(path))
        {
            return;
        }
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(values), cancellationToken);
        File.Move(temp, path, overwrite: true);
    }
}
