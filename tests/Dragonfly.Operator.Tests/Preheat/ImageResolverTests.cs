using System.Text;
using Dragonfly.Core;
using Dragonfly.Fuzzing;
using Dragonfly.Oci;
using Dragonfly.Operator.Preheat;
using FsCheck.Fluent;

namespace Dragonfly.Operator.Tests.Preheat;

/// <summary>
/// Manifests a registry may send for a PreheatTask's image, from valid to hostile: whatever the shape, resolving
/// either yields blobs with valid digests or fails with a planning or registry error that the controller turns
/// into a Failed status with the reason (any other exception would retry forever with no status at all).
/// </summary>
public sealed class ImageResolverTests
{
    private const string OciIndex = ManifestMediaTypes.OciIndex;
    private const string OciManifest = ManifestMediaTypes.OciManifest;
    private static readonly string Layer = "sha256:" + new string('a', 64);
    private static readonly string Config = "sha256:" + new string('c', 64);

    private static readonly ImageReference Image = ImageReference.TryParse("registry.example/app:v1", out var r, out _) ? r : throw new InvalidOperationException();

    private static async Task<IReadOnlyList<PreheatItem>> ResolveAsync(ScriptedManifests registry)
    {
        using var http = new HttpClient(registry);
        var resolver = new ImageResolver(new RegistryClient(http, new BearerTokenSource(http, TimeProvider.System)));
        return await resolver.ResolveAsync(Image, [], null, plainHttp: false, CancellationToken.None);
    }

    private static ScriptedManifests Serving(string top, string mediaType, string? child = null)
    {
        var registry = new ScriptedManifests();
        registry.Serve("/v2/app/manifests/v1", Encoding.UTF8.GetBytes(top), mediaType);
        if (child is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(child);
            registry.Serve($"/v2/app/manifests/{Digest.Compute(bytes)}", bytes, OciManifest);
        }
        return registry;
    }

    [Test]
    public async Task ValidManifest_ConfigAndLayers()
    {
        var items = await ResolveAsync(Serving($$$"""{"config":{"digest":"{{{Config}}}","size":2},"layers":[{"digest":"{{{Layer}}}","size":10}]}""", OciManifest));

        Assert.That(items.Select(i => (i.Digest, i.Bytes)), Is.EqualTo(new[] { ((string?)Config, (long?)2L), (Layer, 10L) }));
    }

    [TestCase("""{"manifests":{}}""", OciIndex, "no manifests list")]
    [TestCase("""[]""", OciIndex, "not a JSON object")]
    [TestCase("""null""", OciManifest, "not a JSON object")]
    [TestCase("""{"manifests":[5]}""", OciIndex, "not a JSON object")]
    [TestCase("""{"manifests":[{"digest":5,"platform":{"os":"linux","architecture":"amd64"}}]}""", OciIndex, "\"digest\" that is not a string")]
    [TestCase("""{"manifests":[{"digest":"sha256:x","platform":"linux/amd64"}]}""", OciIndex, "the \"platform\" of an index entry is not a JSON object")]
    [TestCase("""{"manifests":[{"digest":"sha256:x","platform":{"os":1,"architecture":"amd64"}}]}""", OciIndex, "\"os\" that is not a string")]
    [TestCase("""{"layers":[5]}""", OciManifest, "not a JSON object")]
    [TestCase("""{"config":"x"}""", OciManifest, "not a JSON object")]
    [TestCase("""{"layers":[{"digest":null}]}""", OciManifest, "invalid digest")]
    [TestCase("""{"layers":[{"digest":"sha256:abc"}]}""", OciManifest, "invalid digest")]
    [TestCase("""{"layers":[{"digest":"../../etc/passwd"}]}""", OciManifest, "invalid digest")]
    [TestCase("""{"layers":[""", OciManifest, "not JSON")]
    [TestCase("""{}""", "text/html", "neither an image manifest nor an index")]
    public void MalformedManifest_PlanningErrorNamingTheProblem(string manifest, string mediaType, string problem)
    {
        var error = Assert.ThrowsAsync<PreheatPlanException>(() => ResolveAsync(Serving(manifest, mediaType)));

        Assert.That(error!.Message, Does.Contain(problem));
        Assert.That(error.IsRetryable, Is.False, "a malformed manifest does not get better by waiting");
    }

    [Test]
    public void IndexPointingAtAManifestWithTheWrongBytes_RegistryError()
    {
        var child = $$$"""{"layers":[{"digest":"{{{Layer}}}","size":1}]}""";
        var index = $$$"""{"manifests":[{"digest":"{{{Digest.Compute(Encoding.UTF8.GetBytes(child + " "))}}}","platform":{"os":"linux","architecture":"amd64"}}]}""";
        var registry = Serving(index, OciIndex);
        registry.Serve($"/v2/app/manifests/{Digest.Compute(Encoding.UTF8.GetBytes(child + " "))}", Encoding.UTF8.GetBytes(child), OciManifest);

        var error = Assert.ThrowsAsync<RegistryException>(() => ResolveAsync(registry));

        Assert.That(error!.Message, Does.Contain("has digest"));
    }

    [Test]
    [Category("Fuzz")]
    public void AnyManifestShape_BlobsWithValidDigestsOrAPlanningOrRegistryError()
    {
        string[] children = [$$$"""{"config":{"digest":"{{{Config}}}","size":2},"layers":[{"digest":"{{{Layer}}}","size":10}]}""", """{"layers":[{"digest":5}]}""", "[]"];
        string[] tops =
        [
            """{"manifests":[{"digest":"{child}","platform":{"os":"linux","architecture":"amd64","variant":"v8"}},{"digest":"{child}","platform":{"os":"unknown","architecture":"unknown"}}]}""",
            $$$"""{"schemaVersion":2,"config":{"digest":"{{{Config}}}","size":2},"layers":[{"digest":"{{{Layer}}}","size":10},{"digest":"{{{Layer}}}"}]}""",
            """{"manifests":[{"digest":5,"platform":"x"}],"layers":[null]}""",
            "null", "[]", "{}",
        ];
        string[] jsonTokens = ["{", "}", "[", "]", ",", ":", "\"", "null", "5", "-1", "true", "\"x\"", "{}", "[]", "\"digest\"", "\"platform\"", "\"manifests\"", "\"layers\"", "\"config\"", "\"size\"", "1e400", "\\u0000"];
        var inputs = Arb.From(
            from child in FuzzInputs.MutatedOrArbitrary(children, jsonTokens).Generator
            from top in FuzzInputs.MutatedOrArbitrary(tops, jsonTokens).Generator
            from topType in Gen.Elements(OciIndex, OciManifest, ManifestMediaTypes.DockerList, ManifestMediaTypes.DockerManifest, "text/plain", "")
            select (child, top, topType));

        PropertyRun.CheckAsync("ImageResolver manifests", inputs, async input =>
        {
            var childDigest = Digest.Compute(Encoding.UTF8.GetBytes(input.child)).ToString();
            var registry = Serving(input.top.Replace("{child}", childDigest), input.topType, input.child);
            IReadOnlyList<PreheatItem> items;
            try
            {
                items = await ResolveAsync(registry);
            }
            catch (Exception e) when (e is PreheatPlanException or RegistryException)
            {
                Assert.That(e.Message, Is.Not.Empty);
                return;
            }
            foreach (var item in items)
            {
                Assert.That(Digest.TryParse(item.Digest, out _, out _), Is.True, item.Digest);
                Assert.That(item.Url, Is.EqualTo($"https://registry.example/v2/app/blobs/{item.Digest}"));
            }
        });
    }
}
