using System.Net;
using Dragonfly.Grpc.Protocol;

namespace Dragonfly.Grpc.Tests.Protocol;

[TestFixture]
public sealed class GrpcStatusMappingTests
{
    [TestCase(HttpStatusCode.BadRequest, StatusCode.Internal)]
    [TestCase(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated)]
    [TestCase(HttpStatusCode.Forbidden, StatusCode.PermissionDenied)]
    [TestCase(HttpStatusCode.NotFound, StatusCode.Unimplemented)]
    [TestCase(HttpStatusCode.TooManyRequests, StatusCode.Unavailable)]
    [TestCase(HttpStatusCode.BadGateway, StatusCode.Unavailable)]
    [TestCase(HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable)]
    [TestCase(HttpStatusCode.GatewayTimeout, StatusCode.Unavailable)]
    [TestCase(HttpStatusCode.InternalServerError, StatusCode.Unknown)]
    [TestCase(HttpStatusCode.UnsupportedMediaType, StatusCode.Unknown)]
    public void FromHttpStatus_SpecTable_MapsCode(HttpStatusCode httpStatus, StatusCode expected)
    {
        Assert.That(GrpcStatusMapping.FromHttpStatus(httpStatus), Is.EqualTo(expected));
    }

    [TestCase(0x0L, StatusCode.Internal)]
    [TestCase(0x1L, StatusCode.Internal)]
    [TestCase(0x7L, StatusCode.Unavailable)]
    [TestCase(0x8L, StatusCode.Cancelled)]
    [TestCase(0xBL, StatusCode.ResourceExhausted)]
    [TestCase(0xCL, StatusCode.PermissionDenied)]
    public void FromHttp2ErrorCode_SpecTable_MapsCode(long errorCode, StatusCode expected)
    {
        Assert.That(GrpcStatusMapping.FromHttp2ErrorCode(errorCode), Is.EqualTo(expected));
    }

    [Test]
    public void FromHeaders_StatusAndEncodedMessage_DecodesBoth()
    {
        Assert.That(GrpcStatusMapping.FromHeaders("5", "%C3%A4"), Is.EqualTo(new Status(StatusCode.NotFound, "ä")));
    }

    [Test]
    public void FromHeaders_NoStatus_ReturnsNull()
    {
        Assert.That(GrpcStatusMapping.FromHeaders(null, "message"), Is.Null);
    }

    [Test]
    public void FromHeaders_UnparsableStatus_Unknown()
    {
        Assert.That(GrpcStatusMapping.FromHeaders("five", null)?.StatusCode, Is.EqualTo(StatusCode.Unknown));
    }
}
