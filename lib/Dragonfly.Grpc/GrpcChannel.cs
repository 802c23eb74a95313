using Dragonfly.Grpc.Client;
using Google.Protobuf;

namespace Dragonfly.Grpc;

/// <summary>
/// A client connection pool to one gRPC server address (HTTP/2, cleartext prior knowledge for http://).
/// Thread-safe; create one per address and reuse it.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly bool _disposeInvoker;

    private GrpcChannel(Uri address, HttpMessageInvoker invoker, bool disposeInvoker, GrpcChannelOptions options)
    {
        Address = address;
        Invoker = invoker;
        _disposeInvoker = disposeInvoker;
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        TimeProvider = options.TimeProvider;
    }

    public Uri Address { get; }

    internal HttpMessageInvoker Invoker { get; }

    internal int MaxReceiveMessageSize { get; }

    internal int? MaxSendMessageSize { get; }

    internal TimeProvider TimeProvider { get; }

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Address '{address}' must be an absolute http:// or https:// URI.", nameof(address));
        }

        options ??= new GrpcChannelOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxReceiveMessageSize);
        var handler = options.HttpHandler ?? CreateDefaultHandler(options.SslOptions);
        var disposeHandler = options.HttpHandler is null || options.DisposeHttpHandler;
        return new GrpcChannel(address, new HttpMessageInvoker(handler, disposeHandler), disposeInvoker: true, options);
    }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        TRequest request,
        CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        using var call = CreateCall(method, MethodType.Unary, options);
        call.StartUnary(request);
        return await call.ReadSingleResponseAsync().ConfigureAwait(false);
    }

    public AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        TRequest request,
        CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = CreateCall(method, MethodType.ServerStreaming, options);
        call.StartUnary(request);
        return new AsyncServerStreamingCall<TResponse>(
            new ClientResponseReader<TRequest, TResponse>(call), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = CreateCall(method, MethodType.ClientStreaming, options);
        var content = call.StartStreaming();
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            new ClientRequestWriter<TRequest, TResponse>(call, content),
            call.ReadSingleResponseAsync(),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            call.Dispose);
    }

    public AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = CreateCall(method, MethodType.DuplexStreaming, options);
        var content = call.StartStreaming();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            new ClientRequestWriter<TRequest, TResponse>(call, content),
            new ClientResponseReader<TRequest, TResponse>(call),
            call.ResponseHeadersAsync,
            call.GetStatus,
            call.GetTrailers,
            call.Dispose);
    }

    public void Dispose()
    {
        if (_disposeInvoker)
        {
            Invoker.Dispose();
        }
    }

    private ClientCall<TRequest, TResponse> CreateCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        MethodType expectedType,
        CallOptions options)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expectedType)
        {
            throw new ArgumentException($"Method {method.FullName} is {method.Type}, not {expectedType}.", nameof(method));
        }

        return new ClientCall<TRequest, TResponse>(this, method, options);
    }

    private static SocketsHttpHandler CreateDefaultHandler(System.Net.Security.SslClientAuthenticationOptions? ssl) => new()
    {
        SslOptions = ssl ?? new System.Net.Security.SslClientAuthenticationOptions(),
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
    };
}
