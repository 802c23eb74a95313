using Dragonfly.Grpc.Tests.Interop;

namespace Dragonfly.Grpc.Tests.Support;

/// <summary>The methods of interop.v1.Echo (written by hand: the generated stubs would need Grpc.Core.Api).</summary>
public static class EchoMethods
{
    public const string ServiceName = "interop.v1.Echo";

    public static readonly Method<EchoRequest, EchoReply> Unary =
        new(MethodType.Unary, ServiceName, "Unary", EchoRequest.Parser, EchoReply.Parser);

    public static readonly Method<StreamRequest, EchoReply> ServerStream =
        new(MethodType.ServerStreaming, ServiceName, "ServerStream", StreamRequest.Parser, EchoReply.Parser);

    public static readonly Method<Number, Sum> ClientStream =
        new(MethodType.ClientStreaming, ServiceName, "ClientStream", Number.Parser, Sum.Parser);

    public static readonly Method<EchoRequest, EchoReply> Bidi =
        new(MethodType.DuplexStreaming, ServiceName, "Bidi", EchoRequest.Parser, EchoReply.Parser);

    public static readonly Method<FailRequest, EchoReply> Fail =
        new(MethodType.Unary, ServiceName, "Fail", FailRequest.Parser, EchoReply.Parser);

    public static readonly Method<SlowRequest, EchoReply> Slow =
        new(MethodType.Unary, ServiceName, "Slow", SlowRequest.Parser, EchoReply.Parser);

    /// <summary>A method no server implements.</summary>
    public static readonly Method<EchoRequest, EchoReply> Missing =
        new(MethodType.Unary, "interop.v1.Missing", "Unary", EchoRequest.Parser, EchoReply.Parser);
}
