using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;
using DescriptionAttribute = Dragonfly.Operator.Runtime.Entities.DescriptionAttribute;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

[KubernetesEntity(Group = "test.dragonfly.io", ApiVersion = "v1alpha1", Kind = "Widget", PluralName = "widgets")]
[KubernetesEntityShortNames("wd", "wdg")]
[Description("A widget the tests generate a CRD for.")]
[GenericAdditionalPrinterColumn(".metadata.creationTimestamp", "Age", "date")]
[GenericAdditionalPrinterColumn(".spec.storage.className", "Class", "string", Priority = 1, Description = "The storage class.")]
public sealed class V1Alpha1Widget : KubernetesObject<WidgetSpec, WidgetStatus>;
