using Dragonfly.Operator.Runtime.Crds;
using Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;
using static Dragonfly.Operator.Runtime.Tests.Crds.GeneratedCrd;

namespace Dragonfly.Operator.Runtime.Tests.Crds;

public sealed class CrdGeneratorTests
{
    [Test]
    public void Generate_Entity_NameGroupAndNames()
    {
        var crd = CrdGenerator.Generate(typeof(V1Alpha1Widget));

        Assert.That(crd["apiVersion"]!.GetValue<string>(), Is.EqualTo("apiextensions.k8s.io/v1"));
        Assert.That(crd["kind"]!.GetValue<string>(), Is.EqualTo("CustomResourceDefinition"));
        Assert.That(crd["metadata"]!["name"]!.GetValue<string>(), Is.EqualTo("widgets.test.dragonfly.io"));
        Assert.That(crd["spec"]!["group"]!.GetValue<string>(), Is.EqualTo("test.dragonfly.io"));
        Assert.That(Json(crd["spec"]!["names"]), Is.EqualTo(
            """{"kind":"Widget","listKind":"WidgetList","plural":"widgets","singular":"widget","shortNames":["wd","wdg"]}"""));
    }

    [TestCase(typeof(V1Alpha1Widget), "Namespaced")]
    [TestCase(typeof(V1Gadget), "Cluster")]
    public void Generate_ScopeAttribute_Scope(Type entityType, string scope)
    {
        Assert.That(CrdGenerator.Generate(entityType)["spec"]!["scope"]!.GetValue<string>(), Is.EqualTo(scope));
    }

    [Test]
    public void Generate_NoShortNames_NoShortNamesField()
    {
        Assert.That(CrdGenerator.Generate(typeof(V1Gadget))["spec"]!["names"]!.AsObject().ContainsKey("shortNames"), Is.False);
    }

    [Test]
    public void Generate_Entity_OneServedStoredVersion()
    {
        var versions = CrdGenerator.Generate(typeof(V1Alpha1Widget))["spec"]!["versions"]!.AsArray();

        Assert.That(versions, Has.Count.EqualTo(1));
        Assert.That(versions[0]!["name"]!.GetValue<string>(), Is.EqualTo("v1alpha1"));
        Assert.That(versions[0]!["served"]!.GetValue<bool>(), Is.True);
        Assert.That(versions[0]!["storage"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void Generate_EntityWithStatus_StatusSubresource()
    {
        Assert.That(Json(Version(typeof(V1Alpha1Widget))["subresources"]), Is.EqualTo("""{"status":{}}"""));
    }

    [Test]
    public void Generate_EntityWithoutStatus_NoSubresourcesNoColumns()
    {
        var version = Version(typeof(V1Gadget));

        Assert.That(version.ContainsKey("subresources"), Is.False);
        Assert.That(version.ContainsKey("additionalPrinterColumns"), Is.False);
    }

    [Test]
    public void Generate_PrinterColumns_PropertyColumnsSpecThenStatusThenGenericInOrder()
    {
        var columns = Version(typeof(V1Alpha1Widget))["additionalPrinterColumns"]!.AsArray();

        Assert.That(columns.Select(column => column!["jsonPath"]!.GetValue<string>()), Is.EqualTo(new[]
        {
            ".spec.replicas", ".spec.storage.className", ".status.phase", ".status.readyReplicas",
            ".status.lastScheduleTime", ".status.healthy", ".status.load", ".metadata.creationTimestamp", ".spec.storage.className",
        }));
        Assert.That(columns.Select(column => column!["type"]!.GetValue<string>()), Is.EqualTo(new[]
        {
            "integer", "string", "string", "integer", "date", "boolean", "number", "date", "string",
        }));
    }

    [Test]
    public void Generate_PrinterColumns_NamePriorityAndDescription()
    {
        var columns = Version(typeof(V1Alpha1Widget))["additionalPrinterColumns"]!.AsArray();

        Assert.That(Json(columns[1]), Is.EqualTo("""{"name":"StorageClass","type":"string","priority":1,"jsonPath":".spec.storage.className"}"""));
        Assert.That(Json(columns[2]), Is.EqualTo(
            """{"name":"Phase","type":"string","description":"Where the widget is in its life.","jsonPath":".status.phase"}"""));
        Assert.That(Json(columns[8]), Is.EqualTo(
            """{"name":"Class","type":"string","description":"The storage class.","priority":1,"jsonPath":".spec.storage.className"}"""));
    }

    [Test]
    public void Generate_GenericColumnOfUnknownType_Throws()
    {
        Assert.That(() => CrdGenerator.Generate(typeof(V1BadColumnEntity)),
            Throws.InvalidOperationException.With.Message.Contains("date-time"));
    }

    [Test]
    public void Generate_NotAnEntity_Throws()
    {
        Assert.That(() => CrdGenerator.Generate(typeof(WidgetSpec)), Throws.ArgumentException);
    }

    [Test]
    public void GenerateYaml_Twice_SameText()
    {
        var first = CrdGenerator.GenerateYaml(typeof(V1Alpha1Widget));
        CrdGenerator.GenerateYaml(typeof(V1Gadget));

        var second = CrdGenerator.GenerateYaml(typeof(V1Alpha1Widget));

        Assert.That(second, Is.EqualTo(first));
    }
}
