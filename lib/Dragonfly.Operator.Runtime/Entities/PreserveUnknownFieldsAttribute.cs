namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>The property's object keeps fields the schema does not list (x-kubernetes-preserve-unknown-fields).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;
