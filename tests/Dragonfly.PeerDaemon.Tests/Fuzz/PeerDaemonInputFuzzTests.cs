using Dragonfly.Fuzzing;
using Dragonfly.Grpc;
using Dragonfly.PeerDaemon.Mirror;
using Dragonfly.PeerDaemon.Rpc;
using Dragonfly.Protocol.V1;
using FsCheck.Fluent;
using Microsoft.Extensions.Primitives;

namespace Dragonfly.PeerDaemon.Tests.Fuzz;

/// <summary>
/// Bounded property runs over what the peer daemon takes from clients and configuration: the mirror's Range
/// header, <c>ns=</c> and registry entries, the local API's output path, and the whole options object. Nothing
/// throws; what is accepted stays inside the blob, names only a host, and never lands in the data directory.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class PeerDaemonInputFuzzTests
{
    private string _root = "";

    [SetUp]
    public void CreateTree()
    {
        // root/data is the daemon's data directory (with a task folder), root/link points into it, root/out is a
        // plain directory and root/file a plain file: the only ways into the data directory are data/ and link/.
        _root = Directory.CreateTempSubdirectory("dragonfly-fuzz-").FullName;
        Directory.CreateDirectory(Path.Combine(_root, "data", "ab", "abcd"));
        Directory.CreateDirectory(Path.Combine(_root, "out", "sub"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "link"), Path.Combine(_root, "data", "ab"));
        File.WriteAllText(Path.Combine(_root, "file"), "x");
    }

    [TearDown]
    public void RemoveTree() => Directory.Delete(_root, recursive: true);

    [Test]
    public void BlobRangeParse_NeverThrows_AcceptedRangesLieInsideTheBlob()
    {
        var inputs = Arb.From(
            from header in FuzzInputs.MutatedOrArbitrary(["bytes=0-1", "bytes=5-", "bytes=-5", "bytes=0-1,2-3", "bytes=1048575-99999999"]).Generator
            from total in Gen.Elements(0L, 1L, 1L << 20, (1L << 20) + 1, long.MaxValue)
            select (header, total));

        PropertyRun.Check("BlobRange.Parse", inputs, input =>
        {
            var (range, error) = BlobRange.Parse(new StringValues(input.header), input.total);
            if (range is { } r)
            {
                Assert.That(r.Offset, Is.InRange(0, input.total - 1));
                Assert.That(r.Length, Is.InRange(1, input.total - r.Offset));
                Assert.That(r.IsPartial, Is.True);
            }
            else
            {
                Assert.That(error!.Status, Is.EqualTo(416));
            }
        });
    }

    [Test]
    public void RegistryHostAndEntries_NeverThrow_AcceptedOnesAreOnlyAHost()
    {
        var inputs = FuzzInputs.MutatedOrArbitrary(["registry.example:5000", "10.0.0.5", "[::1]:5000", "docker.io=https://registry-1.docker.io", "http://127.0.0.1:5000"]);

        PropertyRun.Check("RegistryUpstream.IsRegistryHost/TryParseEntry", inputs, text =>
        {
            if (RegistryUpstream.IsRegistryHost(text))
            {
                var url = new Uri("https://" + text + "/v2/");
                Assert.That(url.AbsolutePath, Is.EqualTo("/v2/"), "nothing in it changes the path");
                Assert.That(text, Does.Not.Contain("@").And.Not.Contain("/").And.Not.Contain("\n"));
            }
            if (RegistryUpstream.TryParseEntry(text, out var upstream) is null)
            {
                Assert.That(upstream!.BaseAddress.AbsolutePath, Is.EqualTo("/"));
                Assert.That(upstream.BaseAddress.Scheme, Is.AnyOf("http", "https"));
                Assert.That(RegistryUpstream.IsRegistryHost(upstream.Name), Is.True);
            }
        });
    }

    [Test]
    public void DownloadRequestValidator_AnyOutput_InvalidArgumentOrANormalizedPathOutsideTheDataDirectory()
    {
        var data = Path.Combine(_root, "data");
        string[] examples =
        [
            $"{_root}/out/x.bin", $"{_root}/out/sub/../x.bin", $"{_root}/data/ab/abcd/data", $"{_root}/link/abcd/data", $"{_root}/out/../data/x",
            $"{_root}/out/./sub/./x", $"{_root}/file/x", $"{_root}/out", "relative/x", "../../etc/passwd", $"{_root}//out//x", $"{_root}/link",
        ];
        string[] tokens = ["/", "..", ".", "/..", "/../", "./", "data", "link", "out", "sub", "file", "ab", "abcd", "~", "\0", " ", "%2e%2e"];

        PropertyRun.Check("DownloadRequestValidator output", FuzzInputs.MutatedOrArbitrary(examples, tokens), output =>
        {
            var request = new DownloadRequest { Url = "http://127.0.0.2/x", Output = output };
            string accepted;
            try
            {
                (_, accepted) = DownloadRequestValidator.Validate(request, data);
            }
            catch (RpcException e)
            {
                Assert.That(e.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
                return;
            }
            Assert.That(Path.IsPathFullyQualified(accepted), Is.True, accepted);
            Assert.That(accepted, Is.EqualTo(Path.GetFullPath(accepted)), "normalized");
            Assert.That(accepted.Split('/'), Has.None.EqualTo("..").And.None.EqualTo("."), "no dot segments");
            Assert.That(Directory.Exists(Path.GetDirectoryName(accepted)), Is.True);
            foreach (var way in new[] { "data", "link" })
            {
                Assert.That(accepted, Does.Not.StartWith(Path.Combine(_root, way) + "/"), $"accepted {accepted} (from '{output}') inside the data directory");
            }
        });
    }

    [Test]
    public void PeerDaemonOptionsValidate_NeverThrows_AcceptedOptionsBuildTheirParts()
    {
        string[] ips = ["127.0.0.1", "0.0.0.0", "::", "10.0.0.300", ""];
        string[] sizes = ["0", "100M", "1.5G", "-1", "ten"];
        string[] urls = ["https://registry-1.docker.io", "http://10.0.0.5:5000", "docker.io=https://registry-1.docker.io", "ftp://x", ""];
        var options = Arb.From(
            from listenIp in FuzzInputs.MutatedOrArbitrary(ips).Generator
            from advertiseIp in FuzzInputs.MutatedOrArbitrary(ips).Generator
            from supernodes in FuzzInputs.MutatedOrArbitrary(["127.0.0.1:8002", "a:1,b:2", "https://sn:8002", "host", ""]).Generator
            from rate in FuzzInputs.MutatedOrArbitrary(sizes).Generator
            from quota in FuzzInputs.MutatedOrArbitrary(sizes).Generator
            from registry in FuzzInputs.MutatedOrArbitrary(urls).Generator
            from entry in FuzzInputs.MutatedOrArbitrary(urls).Generator
            from rule in FuzzInputs.MutatedOrArbitrary(["^https?://files\\.example/", "(", "[a-", ".*"]).Generator
            from port in Gen.Elements(-1, 0, 65000, 70000)
            select new PeerDaemonOptions
            {
                ListenIp = listenIp, AdvertiseIp = advertiseIp, Supernodes = supernodes, DownloadRateLimit = rate, GrpcPort = port,
                Cache = new Core.Storage.CacheOptions { Quota = quota },
                Mirror = new MirrorOptions { DefaultRegistry = registry, Registries = [entry], ProxyRules = [rule] },
            });

        PropertyRun.Check("PeerDaemonOptions.Validate", options, o =>
        {
            if (o.Validate().Count > 0)
            {
                return;
            }
            Assert.That(o.SupernodeAddresses, Is.Not.Null);
            Assert.That(o.EffectiveAdvertiseIp, Is.Not.Empty);
            Assert.That(() => new UpstreamResolver(o.Mirror), Throws.Nothing);
            Assert.That(() => Core.ByteSize.Parse(o.DownloadRateLimit), Throws.Nothing);
        });
    }
}
