using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dragonfly.IntegrationTests.BadInput;

/// <summary>
/// A registry that answers each path exactly as a test scripts it: a manifest whose bytes do not match its
/// digest, a body larger than any limit, a blob with the wrong bytes, an answer that never comes. Everything it
/// was not told about is a spec-shaped 404. It counts the requests per path.
/// </summary>
internal sealed class ScriptedRegistry : IAsyncDisposable
{
    public const string Ip = "127.0.0.8";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);

    private ScriptedRegistry(WebApplication app) => _app = app;

    /// <summary><c>ip:port</c>, the name clients use in <c>ns=</c>.</summary>
    public string Host { get; private set; } = "";

    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public static async Task<ScriptedRegistry> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(Ip), 0));
        var app = builder.Build();
        var registry = new ScriptedRegistry(app);
        app.Run(registry.AnswerAsync);
        await app.StartAsync(cancellationToken);
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        registry.Host = $"{Ip}:{port}";
        return registry;
    }

    /// <summary>Answers GET and HEAD of <paramref name="path"/> with <paramref name="respond"/> from now on.</summary>
    public void Script(string path, Func<HttpContext, Task> respond) => _routes[path] = respond;

    /// <summary>A 200 with exactly these bytes, a content type and, when given, a Docker-Content-Digest header.</summary>
    public static Func<HttpContext, Task> Bytes(byte[] body, string contentType, string? digestHeader = null, bool chunked = false) => async context =>
    {
        context.Response.ContentType = contentType;
        if (digestHeader is not null)
        {
            context.Response.Headers["Docker-Content-Digest"] = digestHeader;
        }
        if (!chunked)
        {
            context.Response.ContentLength = body.Length;
        }
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    };

    /// <summary>HEAD tells the truth about the blob; GET sends <paramref name="getBody"/> instead (same declared length).</summary>
    public static Func<HttpContext, Task> BlobWithWrongBytes(long declaredLength, byte[] getBody, bool headRefused = false) => async context =>
    {
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = headRefused ? StatusCodes.Status405MethodNotAllowed : StatusCodes.Status200OK;
            context.Response.ContentLength = headRefused ? 0 : declaredLength;
            return;
        }
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = declaredLength;
        await context.Response.Body.WriteAsync(getBody, context.RequestAborted);
        if (getBody.Length < declaredLength)
        {
            // Fewer bytes than announced, then the connection goes: a registry or proxy dying mid-body.
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
        }
    };

    /// <summary>Accepts the request and never answers (until the client gives up).</summary>
    public static Func<HttpContext, Task> Silence() => context => Task.Delay(Timeout.Infinite, context.RequestAborted);

    private async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        Requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        if (path == "/v2/")
        {
            return;
        }
        if (_routes.TryGetValue(path, out var respond))
        {
            try
            {
                await respond(context);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client gave up on a scripted silence.
            }
            return;
        }
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"not scripted\"}]}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
