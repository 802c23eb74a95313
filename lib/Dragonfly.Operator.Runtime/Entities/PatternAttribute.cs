namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>An ECMA-262 regular expression a string property must match.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PatternAttribute(string regexPattern) : Attribute
{
    public string RegexPattern { get; } = regexPattern;
}
