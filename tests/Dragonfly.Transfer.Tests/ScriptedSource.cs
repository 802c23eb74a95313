using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Transfer.Tests;

/// <summary>A loopback HTTP source that answers each request with the next scripted answer, and records what it was asked.</summary>
internal sealed class ScriptedSource : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _answers = new();

    private ScriptedSource(WebApplication app) => _app = app;

    /// <summary>Request headers of every request, in order.</summary>
    public ConcurrentQueue<IHeaderDictionary> Requests { get; } = new();

    public Uri Url => new(_app.Urls.First() + "/blob");

    public static async Task<ScriptedSource> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var source = new ScriptedSource(app);
        app.MapGet("/blob", async context =>
        {
            source.Requests.Enqueue(new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)));
            if (!source._answers.TryDequeue(out var answer))
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }
            await answer(context);
        });
        await app.StartAsync();
        return source;
    }

    public ScriptedSource Then(Func<HttpContext, Task> answer)
    {
        _answers.Enqueue(answer);
        return this;
    }

    public ScriptedSource ThenStatus(int status) => Then(context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    });

    /// <summary>Answers 200 with the whole <paramref name="content"/>'s length announced, sends <paramref name="sent"/> bytes, then resets.</summary>
    public ScriptedSource ThenResetAfter(byte[] content, int sent, string? etag = null) => Then(async context =>
    {
        context.Response.ContentLength = content.Length;
        if (etag is not null)
        {
            context.Response.Headers.ETag = etag;
        }
        await context.Response.Body.WriteAsync(content.AsMemory(0, sent));
        await context.Response.Body.FlushAsync();
        context.Abort();
    });

    /// <summary>Answers a range request for the rest of <paramref name="content"/> (<c>bytes=first-</c> or <c>bytes=first-last</c>) with 206.</summary>
    public ScriptedSource ThenRest(byte[] content) => Then(async context =>
    {
        var from = (int)context.Request.GetTypedHeaders().Range!.Ranges.Single().From!.Value;
        context.Response.StatusCode = StatusCodes.Status206PartialContent;
        context.Response.ContentLength = content.Length - from;
        context.Response.Headers.ContentRange = $"bytes {from}-{content.Length - 1}/{content.Length}";
        await context.Response.Body.WriteAsync(content.AsMemory(from));
    });

    public ScriptedSource ThenWhole(byte[] content) => Then(async context =>
    {
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content);
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
