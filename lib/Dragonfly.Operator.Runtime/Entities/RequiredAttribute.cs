namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>The property must be present; the API server rejects objects without it.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RequiredAttribute : Attribute;
