using Dragonfly.Grpc.Tests.Interop;

namespace Dragonfly.Grpc.Tests;

[TestFixture]
public sealed class MethodTests
{
    [Test]
    public void FullName_ServiceAndName_IsHttp2Path()
    {
        var method = new Method<EchoRequest, EchoReply>(MethodType.Unary, "interop.v1.Echo", "Unary", EchoRequest.Parser, EchoReply.Parser);

        Assert.That(method.FullName, Is.EqualTo("/interop.v1.Echo/Unary"));
    }

    [Test]
    public void RpcException_Status_ExposesCodeAndEmptyTrailers()
    {
        var exception = new RpcException(new Status(StatusCode.NotFound, "missing"));

        Assert.Multiple(() =>
        {
            Assert.That(exception.StatusCode, Is.EqualTo(StatusCode.NotFound));
            Assert.That(exception.Message, Does.Contain("NotFound").And.Contain("missing"));
            Assert.That(exception.Trailers, Is.Empty);
        });
    }
}
