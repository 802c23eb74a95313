using System.Text.Json;
using Dragonfly.Grpc.Tests.Support;

namespace Dragonfly.Grpc.Tests.Interop;

/// <summary>A real gRPC client against our server: grpc-js (interop/client.js) runs its scenarios and reports JSON lines.</summary>
[TestFixture]
public sealed class GrpcJsClientInteropTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    private GrpcTestServer? _server;
    private Dictionary<string, JsonElement> _results = [];
    private int _exitCode;
    private string _output = string.Empty;

    [OneTimeSetUp]
    public async Task RunGrpcJsClientAsync()
    {
        NodeInterop.EnsureInstalled();
        _server = await GrpcTestServer.StartAsync();
        using var client = NodeProcess.Start("client.js", _server.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (lines, exitCode) = await client.ReadToEndAsync(RunLimit);
        _exitCode = exitCode;
        _output = string.Join(Environment.NewLine, lines) + Environment.NewLine + client.StandardError;
        _results = lines
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(result => result.GetProperty("scenario").GetString()!, result => result);
    }

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public void GrpcJsClient_AllScenarios_ExitsZero()
    {
        Assert.That(_exitCode, Is.Zero, _output);
    }

    [TestCase("unary")]
    [TestCase("serverStream")]
    [TestCase("clientStream")]
    [TestCase("bidi")]
    [TestCase("error")]
    [TestCase("deadline")]
    public void GrpcJsClient_Scenario_Succeeds(string scenario)
    {
        Assert.That(_results, Contains.Key(scenario), _output);
        Assert.That(_results[scenario].GetProperty("ok").GetBoolean(), Is.True, _results[scenario].ToString());
    }

    [Test]
    public void GrpcJsClient_Unary_ReceivesNonAsciiTextAndTrailer()
    {
        var actual = Actual("unary");

        Assert.Multiple(() =>
        {
            Assert.That(actual.GetProperty("text").GetString(), Is.EqualTo("héllo wörld ✓ 你好"));
            Assert.That(actual.GetProperty("trailer").GetString(), Is.EqualTo("echo-value"));
        });
    }

    [Test]
    public void GrpcJsClient_Error_ReceivesCodeAndPercentDecodedMessage()
    {
        var actual = Actual("error");

        Assert.Multiple(() =>
        {
            Assert.That(actual.GetProperty("code").GetInt32(), Is.EqualTo((int)StatusCode.NotFound));
            Assert.That(actual.GetProperty("details").GetString(), Is.EqualTo("nicht gefunden – ä"));
        });
    }

    [Test]
    public void GrpcJsClient_Deadline_ReceivesDeadlineExceeded()
    {
        Assert.That(Actual("deadline").GetProperty("code").GetInt32(), Is.EqualTo((int)StatusCode.DeadlineExceeded));
    }

    [Test]
    public void GrpcJsClient_ClientStream_ServerSummedEveryMessage()
    {
        var actual = Actual("clientStream");

        Assert.That((actual.GetProperty("total").GetInt32(), actual.GetProperty("count").GetInt32()), Is.EqualTo((10, 4)));
    }

    private JsonElement Actual(string scenario)
    {
        Assert.That(_results, Contains.Key(scenario), _output);
        Assert.That(_results[scenario].TryGetProperty("actual", out var actual), Is.True, _results[scenario].ToString());
        return actual;
    }
}
