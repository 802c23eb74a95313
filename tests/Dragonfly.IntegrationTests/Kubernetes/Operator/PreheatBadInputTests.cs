using System.Text;
using System.Text.Json;
using Dragonfly.IntegrationTests.BadInput;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Entities;

namespace Dragonfly.IntegrationTests.Kubernetes.Operator;

/// <summary>
/// Invalid PreheatTasks against a real kube-apiserver and the operator process: what the CRD schema can tell is
/// refused at once naming the field; what only the operator can tell (a URL's scheme, a reference's registry, a
/// registry's malformed manifest, a pull secret that is not a docker config) ends as Failed with the reason in the
/// status and its Failed condition, never as a task retried forever without a word.
/// </summary>
[TestFixture]
[Category("BadInput")]
public sealed class PreheatBadInputTests : OperatorFixture
{
    private static readonly string ManyImages = "[" + string.Join(',', Enumerable.Range(0, 257).Select(i => $"\"r.example/app:{i}\"")) + "]";

    [TestCase("{\"type\":\"Bogus\"}", "spec.type")]
    [TestCase("{}", "spec.type")]
    [TestCase("{\"type\":\"File\",\"ttlSecondsAfterFinished\":-1}", "spec.ttlSecondsAfterFinished")]
    [TestCase("{\"type\":\"Image\",\"images\":\"nginx\"}", "spec.images")]
    [TestCase("{\"type\":\"File\",\"urls\":[5]}", "spec.urls")]
    [TestCase("{\"type\":\"Image\",\"plainHttp\":\"yes\"}", "spec.plainHttp")]
    public void InvalidSpec_IsRefusedByTheApiServer_NamingTheField(string spec, string field) =>
        AssertRefused(spec, field);

    [Test]
    public void TooManyImages_IsRefusedByTheApiServer_NamingTheField() =>
        AssertRefused("{\"type\":\"Image\",\"images\":" + ManyImages + "}", "spec.images");

    private void AssertRefused(string spec, string field) =>
        AssertRefusedByTheApiServer<V1Alpha1PreheatTask, V1Alpha1PreheatTaskSpec, V1Alpha1PreheatTaskStatus>(spec, field);

    [Test]
    public async Task SpecTheSchemaCannotJudge_FailsWithTheReasonInStatusAndCondition()
    {
        var registry = Own(await ScriptedRegistry.StartAsync(TestTimeout.Token));
        ScriptManifests(registry);
        var op = await StartOperatorAsync("operator", "--supernodeEndpointOverride:0", "http://127.0.0.1:1", "--preheatMaxAttempts", "2");
        await CreateAsync(Supernode());
        await CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "null-config" },
            Type = "kubernetes.io/dockerconfigjson",
            Data = new() { [".dockerconfigjson"] = Encoding.UTF8.GetBytes("null") },
        });
        var cases = new (string Name, V1Alpha1PreheatTaskSpec Spec, string Reason)[]
        {
            ("ftp-url", File("ftp://127.0.0.2/x"), "not an absolute http or https URL"),
            ("bidi-url", File("file://\u202e"), "not an absolute http or https URL"),
            ("short-digest", Image("r.example/app@sha256:123"), "64 lowercase hex"),
            ("bad-registry", Image("r.example:99999/app:v1"), "is not a host"),
            ("not-json-object", Image($"{registry.Host}/bad/array:v1"), "is not a JSON object"),
            ("wrong-types", Image($"{registry.Host}/bad/types:v1"), "\"digest\" that is not a string"),
            ("lying-digest", Image($"{registry.Host}/bad/lying:v1"), "has digest"),
            ("huge", Image($"{registry.Host}/bad/huge:v1"), $"larger than {4 << 20} bytes"),
            ("null-pull-secret", Image($"{registry.Host}/bad/array:v1", pullSecret: "null-config"), "no \"auths\""),
        };

        foreach (var (name, spec, _) in cases)
        {
            await CreateAsync(new V1Alpha1PreheatTask { Metadata = new V1ObjectMeta { Name = name }, Spec = spec });
        }

        await Assert.MultipleAsync(async () =>
        {
            foreach (var (name, _, reason) in cases)
            {
                var done = await WaitForAsync<V1Alpha1PreheatTask>(name, t => t.Status?.Phase is PreheatPhase.Succeeded or PreheatPhase.Failed, "the task to finish", op);
                Assert.That(done.Status!.Phase, Is.EqualTo(PreheatPhase.Failed), name);
                Assert.That(done.Status.Message, Does.Contain(reason), name);
                var failed = done.Status.Conditions.SingleOrDefault(c => c.Type == "Failed");
                Assert.That(failed?.Status, Is.EqualTo("True"), $"{name}: the Failed condition");
                Assert.That(failed?.Message, Does.Contain(reason), $"{name}: the Failed condition's message");
            }
        });
        Assert.That(op.HasExited, Is.False, "the operator survived every bad task");
    }

    private static V1Alpha1PreheatTaskSpec File(string url) => new() { Type = PreheatType.File, Urls = [url] };

    private static V1Alpha1PreheatTaskSpec Image(string reference, string? pullSecret = null) =>
        new() { Type = PreheatType.Image, Images = [reference], PlainHttp = true, PullSecretName = pullSecret };

    private static void ScriptManifests(ScriptedRegistry registry)
    {
        const string index = "application/vnd.oci.image.index.v1+json";
        const string manifest = "application/vnd.oci.image.manifest.v1+json";
        registry.Script("/v2/bad/array/manifests/v1", ScriptedRegistry.Bytes("[1,2,3]"u8.ToArray(), manifest));
        registry.Script("/v2/bad/types/manifests/v1", ScriptedRegistry.Bytes(
            "{\"manifests\":[{\"digest\":42,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}"u8.ToArray(), index));
        var honest = "{\"layers\":[]}"u8.ToArray();
        registry.Script("/v2/bad/lying/manifests/v1", ScriptedRegistry.Bytes(honest, manifest, "sha256:" + new string('e', 64)));
        registry.Script("/v2/bad/huge/manifests/v1", ScriptedRegistry.Bytes(new byte[(4 << 20) + 1], manifest, chunked: true));
    }
}
