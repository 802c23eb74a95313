using Dragonfly.PeerDaemon.Containerd;

namespace Dragonfly.PeerDaemon.Tests.Containerd;

public sealed class ContainerdHostsCommandTests
{
    private string _certs = "";

    [SetUp]
    public void CreateDirectory() => _certs = Directory.CreateTempSubdirectory("certs.d-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_certs, recursive: true);

    private (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = ContainerdHostsCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public void Write_EachRegistryGetsTheMirrorFirst_AndItselfAsFallbackServer()
    {
        var (code, _, error) = Run("--certs-dir", _certs, "--mirror", "http://127.0.0.1:65001",
            "--registry", "docker.io", "--registry", "registry.example.com:5000=http://10.0.0.5:5000", "--default");

        Assert.That(code, Is.Zero, error);
        Assert.That(File.ReadAllText(Path.Combine(_certs, "docker.io", "hosts.toml")), Is.EqualTo(
            HostsTomlWriter.Marker + "\n" +
            "server = \"https://registry-1.docker.io\"\n\n" +
            "[host.\"http://127.0.0.1:65001\"]\n" +
            "  capabilities = [\"pull\", \"resolve\"]\n"));
        Assert.That(File.ReadAllText(Path.Combine(_certs, "registry.example.com:5000", "hosts.toml")), Does.Contain("server = \"http://10.0.0.5:5000\""));
        var fallback = File.ReadAllText(Path.Combine(_certs, "_default", "hosts.toml"));
        Assert.That(fallback, Does.Not.Contain("server =").And.Contain("[host.\"http://127.0.0.1:65001\"]"));
    }

    [Test]
    public void Write_NeverReplacesAFileDragonflyDidNotWrite_Remove_OnlyRemovesOurs()
    {
        Directory.CreateDirectory(Path.Combine(_certs, "quay.io"));
        File.WriteAllText(Path.Combine(_certs, "quay.io", "hosts.toml"), "server = \"https://quay.io\"\n");
        Assert.That(Run("--certs-dir", _certs, "--mirror", "http://127.0.0.1:65001", "--registry", "docker.io").Code, Is.Zero);

        var refused = Run("--certs-dir", _certs, "--mirror", "http://127.0.0.1:65001", "--registry", "quay.io");
        var removed = Run("--certs-dir", _certs, "--remove", "--registry", "docker.io", "--registry", "quay.io");

        Assert.That(refused.Code, Is.Zero, "a hand-written hosts.toml must not stop the node's peer daemon from starting");
        Assert.That(refused.Error, Does.Contain("was not written by Dragonfly").And.Contain("quay.io is not mirrored"));
        Assert.That(File.ReadAllText(Path.Combine(_certs, "quay.io", "hosts.toml")), Is.EqualTo("server = \"https://quay.io\"\n"));
        Assert.That(removed.Code, Is.Zero);
        Assert.That(Directory.Exists(Path.Combine(_certs, "docker.io")), Is.False);
        Assert.That(File.Exists(Path.Combine(_certs, "quay.io", "hosts.toml")), Is.True);
    }

    [Test]
    public void Write_HttpsMirrorWithCaFile_CopiesTheCaNextToHostsToml_AndAnHttpRewriteRemovesIt()
    {
        var caFile = Path.Combine(_certs, "ca.pem");
        const string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        File.WriteAllText(caFile, pem);

        var (code, _, error) = Run("--certs-dir", _certs, "--mirror", "https://127.0.0.1:65001", "--ca-file", caFile, "--registry", "docker.io");

        Assert.That(code, Is.Zero, error);
        var toml = File.ReadAllText(Path.Combine(_certs, "docker.io", "hosts.toml"));
        Assert.That(toml, Does.Contain("[host.\"https://127.0.0.1:65001\"]").And.Contain($"  ca = \"{HostsTomlWriter.MirrorCaFileName}\""),
            "a relative ca is resolved by containerd against the hosts.toml directory, which differs between the init container and the node");
        var copied = Path.Combine(_certs, "docker.io", HostsTomlWriter.MirrorCaFileName);
        Assert.That(File.ReadAllText(copied), Is.EqualTo(pem));

        Assert.That(Run("--certs-dir", _certs, "--mirror", "http://127.0.0.1:65001", "--registry", "docker.io").Code, Is.Zero);
        Assert.That(File.Exists(copied), Is.False, "the CA of an earlier HTTPS mirror is removed");
        Assert.That(File.ReadAllText(Path.Combine(_certs, "docker.io", "hosts.toml")), Does.Not.Contain("ca ="));
    }

    [Test]
    public void CaFile_WithAnHttpMirror_OrWithoutACertificate_IsRefused()
    {
        var notPem = Path.Combine(_certs, "ca.txt");
        File.WriteAllText(notPem, "hello");

        var http = Run("--certs-dir", _certs, "--mirror", "http://127.0.0.1:65001", "--ca-file", notPem, "--registry", "docker.io");
        var empty = Run("--certs-dir", _certs, "--mirror", "https://127.0.0.1:65001", "--ca-file", notPem, "--registry", "docker.io");

        Assert.That((http.Code, http.Error), Is.EqualTo((2, "containerd-hosts: --ca-file is for an https mirror; --mirror is 'http://127.0.0.1:65001/'" + Environment.NewLine)));
        Assert.That(empty.Code, Is.EqualTo(2));
        Assert.That(empty.Error, Does.Contain("holds no PEM certificate"));
        Assert.That(Directory.Exists(Path.Combine(_certs, "docker.io")), Is.False, "nothing written");
    }

    [TestCase("--mirror", "ftp://x", "is not an http(s)://host:port URL")]
    [TestCase("--registry", "bad/name", "is not a registry host[:port]")]
    [TestCase("--registry", "r.io=notaurl", "is not an http(s) URL")]
    [TestCase("--bogus", "", "unknown argument")]
    public void BadArguments_ExitTwo_SayingWhat(string flag, string value, string why)
    {
        string[] args = value.Length == 0 ? ["--certs-dir", _certs, flag] : ["--certs-dir", _certs, "--mirror", "http://127.0.0.1:1", flag, value];
        var (code, _, error) = Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain(why));
    }
}
