using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator.Runtime.Controllers;

public static class OwnerReferences
{
    /// <summary>A controller owner reference to <paramref name="owner"/>: the garbage collector deletes the dependent with it.</summary>
    public static V1OwnerReference MakeOwnerReference(this IKubernetesObject owner)
    {
        var info = EntityInfo.Of(owner.GetType());
        return new V1OwnerReference
        {
            ApiVersion = owner.ApiVersion ?? info.GroupVersion,
            Kind = owner.Kind ?? info.Kind,
            Name = owner.Metadata.Name ?? throw new ArgumentException("the owner has no name"),
            Uid = owner.Metadata.Uid ?? throw new ArgumentException("the owner has no uid; read it from the API server first"),
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>The name of the controlling owner of kind <paramref name="ownerKind"/>, if any.</summary>
    public static string? ControllerName(this IKubernetesObject dependent, string ownerKind) =>
        dependent.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true && r.Kind == ownerKind)?.Name;
}
