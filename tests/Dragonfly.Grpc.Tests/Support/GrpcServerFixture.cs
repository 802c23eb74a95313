namespace Dragonfly.Grpc.Tests.Support;

/// <summary>Base of fixtures that talk to one <see cref="GrpcTestServer"/> through a <see cref="GrpcChannel"/>.</summary>
public abstract class GrpcServerFixture
{
    protected static readonly TimeSpan WaitLimit = EchoProbe.WaitLimit;

    protected GrpcTestServer Server { get; private set; } = null!;

    protected GrpcChannel Channel { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        Server = await GrpcTestServer.StartAsync();
        Channel = GrpcChannel.ForAddress(Server.Address);
    }

    [SetUp]
    public void ResetProbe() => Server.Probe.Reset();

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        Channel?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>Call options whose deadline bounds the call, so a broken test cannot hang.</summary>
    protected static CallOptions Bounded(Metadata? headers = null, CancellationToken cancellationToken = default) =>
        new(headers, DateTime.UtcNow + WaitLimit, cancellationToken);
}
