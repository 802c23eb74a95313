using System.Text;
using Dragonfly.Fuzzing;
using FsCheck.Fluent;

namespace Dragonfly.Oci.Tests.Fuzz;

/// <summary>
/// Bounded property runs over what the OCI library parses from outside: request paths (everything the mirror puts
/// into an upstream URL), image references (from PreheatTasks), WWW-Authenticate challenges and docker config
/// files (from registries and Secrets). No input makes them throw anything undocumented, and nothing they accept
/// can name another path than the one it says.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class OciParserFuzzTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Test]
    public void OciPathTryParse_NeverThrows_AcceptedPathsHaveNoTraversalAndPrintBack()
    {
        string[] examples =
        [
            "/v2/", "/v2/_catalog", "/v2/library/ubuntu/manifests/22.04", "/v2/a/manifests/" + Digest, "/v2/team/blobs/app/blobs/" + Digest,
            "/v2/my-org/my__app.x/tags/list", "/v2/app/blobs/uploads/abc", "/v2/app/referrers/" + Digest, "/v2/a/../b/manifests/v1",
        ];

        PropertyRun.Check("OciPath.TryParse", FuzzInputs.MutatedOrArbitrary(examples), text =>
        {
            if (!OciPath.TryParse(text, out var path, out var error))
            {
                Assert.That(error.Status, Is.AnyOf(400, 404));
                Assert.That(error.Message, Is.Not.Empty);
                return;
            }
            if (path.Endpoint is OciEndpoint.ApiBase or OciEndpoint.Catalog or OciEndpoint.BlobUpload)
            {
                return;
            }
            Assert.That(OciPath.IsValidName(path.Name), Is.True, path.Name);
            Assert.That(path.Name.Split('/'), Has.None.EqualTo("..").And.None.EqualTo(".").And.None.Empty, "no traversal or empty segment in the name");
            Assert.That(path.Reference, Does.Not.Contain("/").And.Not.EqualTo("..").And.Not.EqualTo("."));
            var upstream = path.ToUpstreamPath();
            Assert.That(upstream, Does.StartWith("/v2/" + path.Name + "/"));
            Assert.That(OciPath.TryParse(upstream, out var again, out _) && again == path, Is.True, $"{upstream} does not parse back to {path}");
        });
    }

    [Test]
    public void ImageReferenceTryParse_NeverThrows_AcceptedReferencesPrintBackAndNameAnHttpsHost()
    {
        string[] examples =
        [
            "nginx", "docker.io/library/nginx:1.25", "registry.example.com:5000/team/app:1.4", "localhost/app@" + Digest,
            "r.example/a/b/c:tag@" + Digest, "127.0.0.1:5000/Demo/App:v1", "[::1]:5000/app:v1",
        ];

        PropertyRun.Check("ImageReference.TryParse", FuzzInputs.MutatedOrArbitrary(examples), text =>
        {
            if (!ImageReference.TryParse(text, out var reference, out var error))
            {
                Assert.That(error, Is.Not.Empty);
                return;
            }
            Assert.That(OciPath.IsValidName(reference.Repository), Is.True, reference.Repository);
            Assert.That(ImageReference.TryParse(reference.ToString(), out var again, out _) && again == reference, Is.True, $"{reference} does not parse back");
            Assert.That(Uri.TryCreate($"https://{reference.ApiHost}/v2/", UriKind.Absolute, out var registry) && registry.AbsolutePath == "/v2/" && registry.UserInfo.Length == 0,
                Is.True, $"registry '{reference.Registry}' is not a host[:port]");
        });
    }

    [Test]
    public void AuthChallengeTryParse_NeverThrows_AcceptedChallengesHaveAScheme()
    {
        string[] examples =
        [
            "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:app:pull\"",
            "Basic realm=\"registry\"", "Bearer realm=unquoted,scope=\"a,b\"", "Bearer realm=\"esc\\\"aped\"",
        ];

        PropertyRun.Check("AuthChallenge.TryParse", FuzzInputs.MutatedOrArbitrary(examples), text =>
        {
            if (AuthChallenge.TryParse(text, out var challenge))
            {
                Assert.That(challenge.Scheme, Is.Not.Empty.And.Not.Contain("="));
            }
        });
    }

    [Test]
    public void DockerConfigCredentialsParse_OnlyFormatException_LookupsNeverThrow()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret"));
        string[] examples =
        [
            "{\"auths\":{\"registry.example\":{\"auth\":\"" + auth + "\"}}}",
            """{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p"}}}""",
            """{"auths":{"r.example":{"auth":"not base64!"}}}""",
            """{"auths":{"r.example":{"auth":"bm9jb2xvbg=="}}}""",
            """{"auths":[]}""", """{"auths":{"r":5}}""", "[]", "null",
        ];

        PropertyRun.Check("DockerConfigCredentials.Parse", FuzzInputs.MutatedOrArbitrary(examples), text =>
        {
            DockerConfigCredentials credentials;
            try
            {
                credentials = DockerConfigCredentials.Parse(text);
            }
            catch (FormatException e)
            {
                Assert.That(e.Message, Is.Not.Empty);
                return;
            }
            foreach (var host in credentials.Hosts.Append("registry.example").Append("docker.io"))
            {
                Assert.That(credentials.BasicAuthorizationFor(host), Is.Null.Or.StartWith("Basic "));
            }
        });
    }

    [Test]
    public void ManifestBodyVerify_AnyBytesAndLabels_NeverThrows_AcceptsOnlyTheirOwnDigest()
    {
        var body = Encoding.UTF8.GetBytes("{\"schemaVersion\":2}");
        var own = Core.Digest.Compute(body).ToString();
        var labels = FuzzInputs.MutatedOrArbitrary([own, Digest, "", "sha512:" + new string('a', 128)]);

        PropertyRun.Check("ManifestBody.Verify", labels, label =>
        {
            var problem = ManifestBody.Verify(body, null, label, out var actual);
            Assert.That(actual.ToString(), Is.EqualTo(own));
            Assert.That(problem is null, Is.EqualTo(!label.StartsWith("sha256:", StringComparison.Ordinal) || label == own), $"label '{label}'");
        });
    }
}
