using System.Collections;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Dragonfly.Hosting;

/// <summary>
/// Loads a component's options from its configuration sources (see
/// <see cref="HostingExtensions.AddDragonflyConfiguration"/>) and collects every problem, each naming its key: a
/// missing config file, a value of the wrong type, a key no setting has (a typo would otherwise be ignored), a bad
/// <c>log</c> section. The component then adds its own checks and reports them all at once.
/// </summary>
public static class ComponentConfiguration
{
    /// <summary>Sections every component accepts besides its options: <c>config</c> (the file) and <c>log</c>.</summary>
    private static readonly string[] SharedKeys = ["config", "log"];

    public static (TOptions Options, List<string> Problems, List<string> Warnings) Load<TOptions>(WebApplicationBuilder builder, string[] args)
        where TOptions : new()
    {
        var problems = new List<string>();
        var warnings = new List<string>();
        try
        {
            builder.Configuration.AddDragonflyConfiguration(args);
        }
        catch (OptionsValidationFailure e)
        {
            problems.Add(e.Message);
            return (new TOptions(), problems, warnings);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            var innermost = e;
            while (innermost.InnerException is { } inner)
            {
                innermost = inner;
            }
            problems.Add($"config: the file cannot be read as JSON: {e.Message} {(innermost == e ? "" : innermost.Message)}".TrimEnd());
            return (new TOptions(), problems, warnings);
        }

        var fromFileAndFlags = new ConfigurationBuilder();
        if (builder.Configuration["config"] is { Length: > 0 } file)
        {
            fromFileAndFlags.AddJsonFile(Path.GetFullPath(file), optional: true, reloadOnChange: false);
        }
        fromFileAndFlags.AddCommandLine(args);
        problems.AddRange(Check(fromFileAndFlags.Build(), typeof(TOptions)).Select(p => p.Problem ??
            $"{p.Key}: no such setting (check its spelling and nesting: sections are separated by ':' on the command line and in keys, '__' in environment variables)"));
        // Kubernetes injects <SERVICE>_SERVICE_HOST and similar variables for every Service of the namespace, some
        // of which may start with DRAGONFLY_: an unknown environment key is only a warning (a bad value of a known one is an error).
        foreach (var (key, problem) in Check(new ConfigurationBuilder().AddEnvironmentVariables("DRAGONFLY_").Build(), typeof(TOptions)))
        {
            if (problem is not null)
            {
                problems.Add($"{problem} (from environment variable DRAGONFLY_{key.Replace(":", "__")})");
            }
            else
            {
                warnings.Add($"environment variable DRAGONFLY_{key.Replace(":", "__")} is not a setting; ignored");
            }
        }

        var options = new TOptions();
        if (problems.Count == 0)
        {
            try
            {
                builder.Configuration.Bind(options);
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message.TrimEnd('.') + (e.InnerException is { } inner ? $" ({inner.Message.TrimEnd('.')})" : ""));
            }
        }

        var log = builder.Configuration.GetSection("log").Get<LoggingOptions>() ?? new LoggingOptions();
        problems.AddRange(log.Validate());
        return (options, problems, warnings);
    }

    /// <summary>Prints the problems (and warnings) to standard error the same way for every component; returns exit code 2.</summary>
    public static int ReportInvalid(string component, IReadOnlyCollection<string> problems)
    {
        Console.Error.WriteLine($"{component}: invalid configuration:\n  " + string.Join("\n  ", problems));
        return 2;
    }

    public static void ReportWarnings(string component, IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            Console.Error.WriteLine($"{component}: warning: {warning}");
        }
    }

    /// <summary>
    /// Keys of <paramref name="configuration"/> that no property of <paramref name="type"/> (or the shared sections)
    /// binds (Problem null), and values that cannot be converted to their property's type (Problem says why).
    /// </summary>
    public static IEnumerable<(string Key, string? Problem)> Check(IConfiguration configuration, Type type) =>
        configuration.GetChildren()
            .Where(child => !SharedKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            .SelectMany(child => Check(child, type))
            .OrderBy(p => p.Key, StringComparer.Ordinal);

    private static IEnumerable<(string Key, string? Problem)> Check(IConfigurationSection section, Type owner)
    {
        var property = owner.GetProperty(section.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null)
        {
            return [(section.Path, null)];
        }
        return CheckValue(section, property.PropertyType);
    }

    private static IEnumerable<(string Key, string? Problem)> CheckValue(IConfigurationSection section, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return section.Value is { } value && !Converts(value, type)
                ? [(section.Path, $"{section.Path} '{value}' is not {Describe(type)}")]
                : [];
        }
        if (IsDictionary(type))
        {
            return []; // any key
        }
        if (ElementType(type) is { } element)
        {
            return section.GetChildren().SelectMany(item => CheckValue(item, element));
        }
        return section.GetChildren().SelectMany(child => Check(child, type));
    }

    private static bool Converts(string value, Type type)
    {
        if (type == typeof(string))
        {
            return true;
        }
        try
        {
            return System.ComponentModel.TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value) is not null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) =>
        type == typeof(bool) ? "true or false"
        : type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "a number"
        : type == typeof(TimeSpan) ? "a duration ([d.]hh:mm:ss)"
        : type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type))
        : "a " + type.Name;

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type)
        || type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable
          && type != typeof(string) ? enumerable.GetGenericArguments()[0]
        : null;
}
