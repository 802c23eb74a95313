using Dragonfly.Operator.Runtime.Crds;
using Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;
using static Dragonfly.Operator.Runtime.Tests.Crds.GeneratedCrd;

namespace Dragonfly.Operator.Runtime.Tests.Crds;

public sealed class CrdSchemaTests
{
    private static readonly Type Widget = typeof(V1Alpha1Widget);

    [Test]
    public void Generate_Root_ObjectWithApiVersionKindMetadataSpecStatus()
    {
        var schema = Schema(Widget);

        Assert.That(schema["type"]!.GetValue<string>(), Is.EqualTo("object"));
        Assert.That(schema["description"]!.GetValue<string>(), Is.EqualTo("A widget the tests generate a CRD for."));
        Assert.That(schema["properties"]!.AsObject().Select(property => property.Key),
            Is.EqualTo(new[] { "apiVersion", "kind", "metadata", "spec", "status" }));
        Assert.That(Json(schema["properties"]!["apiVersion"]), Is.EqualTo("""{"type":"string"}"""));
        Assert.That(Json(schema["properties"]!["metadata"]), Is.EqualTo("""{"type":"object"}"""));
    }

    [Test]
    public void Generate_Spec_ClassDescriptionAndRequiredList()
    {
        var spec = Schema(Widget)["properties"]!["spec"]!;

        Assert.That(spec["description"]!.GetValue<string>(), Is.EqualTo("What the widget should be."));
        Assert.That(Json(spec["required"]), Is.EqualTo("""["image"]"""));
    }

    [Test]
    public void Generate_RequiredNestedProperty_InNestedRequiredList()
    {
        Assert.That(Json(SpecProperty(Widget, "storage")["required"]), Is.EqualTo("""["className"]"""));
    }

    [Test]
    public void Generate_StringProperty_DescriptionAndPattern()
    {
        Assert.That(Json(SpecProperty(Widget, "image")),
            Is.EqualTo("""{"description":"The image to run.","type":"string","pattern":"^[a-z0-9./:-]+$"}"""));
    }

    [Test]
    public void Generate_RangeAndDefault_MinimumExclusiveMaximumAndIntegerDefault()
    {
        Assert.That(Json(SpecProperty(Widget, "replicas")),
            Is.EqualTo("""{"type":"integer","format":"int32","default":3,"minimum":1,"maximum":10,"exclusiveMaximum":true}"""));
    }

    [TestCase("ratio", """{"type":"number","default":0.5}""")]
    [TestCase("enabled", """{"type":"boolean","default":true}""")]
    [TestCase("maxBytes", """{"type":"integer","format":"int64"}""")]
    [TestCase("notAfter", """{"type":"string","format":"date-time"}""")]
    [TestCase("legacy_name", """{"type":"string"}""")]
    public void Generate_ScalarProperty_TypeFormatAndDefault(string name, string expected)
    {
        Assert.That(Json(SpecProperty(Widget, name)), Is.EqualTo(expected));
    }

    [Test]
    public void Generate_EnumWithMemberNameAttribute_WrittenNamesAndNamedDefault()
    {
        Assert.That(Json(SpecProperty(Widget, "size")),
            Is.EqualTo("""{"type":"string","enum":["Small","Medium","extra-large"],"default":"Medium"}"""));
    }

    [Test]
    public void Generate_IntOrString_NoType()
    {
        Assert.That(Json(SpecProperty(Widget, "port")), Is.EqualTo("""{"x-kubernetes-int-or-string":true}"""));
    }

    [Test]
    public void Generate_Dictionaries_ObjectWithAdditionalProperties()
    {
        Assert.That(Json(SpecProperty(Widget, "labels")), Is.EqualTo("""{"type":"object","additionalProperties":{"type":"string"}}"""));
        Assert.That(SpecProperty(Widget, "extraStorage")["additionalProperties"]!["properties"]!["sizeBytes"]!["type"]!.GetValue<string>(),
            Is.EqualTo("integer"));
    }

    [Test]
    public void Generate_Lists_ArrayWithItemsAndItemBounds()
    {
        Assert.That(Json(SpecProperty(Widget, "hosts")),
            Is.EqualTo("""{"type":"array","minItems":1,"maxItems":5,"items":{"type":"string"}}"""));
        Assert.That(Json(SpecProperty(Widget, "ports")), Is.EqualTo("""{"type":"array","items":{"type":"integer","format":"int32"}}"""));
        Assert.That(SpecProperty(Widget, "volumes")["items"]!["type"]!.GetValue<string>(), Is.EqualTo("object"));
    }

    [Test]
    public void Generate_NestedObject_PropertiesLengthAndClassDescription()
    {
        var storage = SpecProperty(Widget, "storage");

        Assert.That(storage["description"]!.GetValue<string>(), Is.EqualTo("Where the widget keeps its data."));
        Assert.That(Json(storage["properties"]), Is.EqualTo(
            """{"className":{"type":"string","minLength":1,"maxLength":63},"sizeBytes":{"type":"integer","format":"int64"}}"""));
    }

    [Test]
    public void Generate_SelfContainingType_StopsAtFirstRepetition()
    {
        var tree = SpecProperty(Widget, "tree")["properties"]!;
        const string unknown = """{"type":"object","x-kubernetes-preserve-unknown-fields":true}""";

        Assert.That(Json(tree["parent"]), Is.EqualTo(unknown));
        Assert.That(Json(tree["children"]!["items"]), Is.EqualTo(unknown));
    }

    [Test]
    public void Generate_JsonElement_ObjectKeepingUnknownFields()
    {
        Assert.That(Json(SpecProperty(Widget, "extra")), Is.EqualTo("""{"type":"object","x-kubernetes-preserve-unknown-fields":true}"""));
    }

    [Test]
    public void Generate_PreserveUnknownFieldsOnClass_KeepsPropertiesAndUnknownFields()
    {
        var loose = SpecProperty(Widget, "loose");

        Assert.That(loose["x-kubernetes-preserve-unknown-fields"]!.GetValue<bool>(), Is.True);
        Assert.That(loose["properties"]!.AsObject().ContainsKey("name"), Is.True);
    }

    [TestCase("notSerialized")]
    [TestCase("legacyName")]
    [TestCase("rest")]
    public void Generate_IgnoredRenamedOrExtensionData_NotUnderThatName(string name)
    {
        Assert.That(Schema(Widget)["properties"]!["spec"]!["properties"]!.AsObject().ContainsKey(name), Is.False);
    }

    [Test]
    public void Generate_Conditions_MetaV1ConditionItems()
    {
        var condition = StatusProperty(Widget, "conditions")["items"]!;

        Assert.That(Json(condition["required"]), Is.EqualTo("""["status","type"]"""));
        Assert.That(condition["properties"]!.AsObject().Select(property => property.Key), Is.EqualTo(
            new[] { "lastTransitionTime", "message", "observedGeneration", "reason", "status", "type" }));
        Assert.That(Json(condition["properties"]!["status"]!["enum"]), Is.EqualTo("""["True","False","Unknown"]"""));
        Assert.That(condition["properties"]!["lastTransitionTime"]!["format"]!.GetValue<string>(), Is.EqualTo("date-time"));
    }

    [Test]
    public void Generate_EnumWrittenAsNumber_ThrowsNamingTheFix()
    {
        Assert.That(() => CrdGenerator.Generate(typeof(V1NumericEnumEntity)),
            Throws.InvalidOperationException.With.Message.Contains("JsonStringEnumConverter<NumericEnum>"));
    }

    [Test]
    public void Generate_DefaultOfWrongType_Throws()
    {
        Assert.That(() => CrdGenerator.Generate(typeof(V1BadDefaultEntity)),
            Throws.InvalidOperationException.With.Message.Contains(".spec.replicas"));
    }
}
