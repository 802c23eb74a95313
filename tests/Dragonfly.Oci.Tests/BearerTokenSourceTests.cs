using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Dragonfly.Oci.Tests;

public sealed class BearerTokenSourceTests
{
    private static readonly AuthChallenge Challenge = new("Bearer", new Dictionary<string, string>
    {
        ["realm"] = "http://127.0.0.1:1/token", ["service"] = "reg", ["scope"] = "repository:a:pull",
    });

    [Test]
    public async Task GetTokenAsync_ConcurrentCallers_OneRequest()
    {
        var handler = new TokenHandler { Delay = TimeSpan.FromMilliseconds(200) };
        var source = new BearerTokenSource(new HttpClient(handler), TimeProvider.System);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => source.GetTokenAsync(Challenge, null, CancellationToken.None)));

        Assert.That(tokens, Is.All.EqualTo("t1"));
        Assert.That(handler.Requests, Is.EqualTo(1));
        Assert.That(handler.LastUri!.Query, Is.EqualTo("?service=reg&scope=repository%3Aa%3Apull"));
    }

    [Test]
    public async Task GetTokenAsync_AfterExpiry_NewRequest()
    {
        var time = new FakeTimeProvider();
        var handler = new TokenHandler { ExpiresIn = 60 };
        var source = new BearerTokenSource(new HttpClient(handler), time);

        await source.GetTokenAsync(Challenge, null, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(30));
        await source.GetTokenAsync(Challenge, null, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(30));
        var third = await source.GetTokenAsync(Challenge, null, CancellationToken.None);

        Assert.That(handler.Requests, Is.EqualTo(2));
        Assert.That(third, Is.EqualTo("t2"));
    }

    [Test]
    public async Task GetTokenAsync_DifferentCredentials_SeparateTokens()
    {
        var handler = new TokenHandler();
        var source = new BearerTokenSource(new HttpClient(handler), TimeProvider.System);

        await source.GetTokenAsync(Challenge, null, CancellationToken.None);
        await source.GetTokenAsync(Challenge, "Basic YTpi", CancellationToken.None);

        Assert.That(handler.Requests, Is.EqualTo(2));
        Assert.That(handler.LastAuthorization, Is.EqualTo("Basic YTpi"));
    }

    [Test]
    public async Task GetTokenAsync_Refused_NullAndNotCached()
    {
        var handler = new TokenHandler { Status = HttpStatusCode.Unauthorized };
        var source = new BearerTokenSource(new HttpClient(handler), TimeProvider.System);

        Assert.That(await source.GetTokenAsync(Challenge, null, CancellationToken.None), Is.Null);
        Assert.That(await source.GetTokenAsync(Challenge, null, CancellationToken.None), Is.Null);
        Assert.That(handler.Requests, Is.EqualTo(2));
    }

    private sealed class TokenHandler : HttpMessageHandler
    {
        private int _requests;

        public TimeSpan Delay { get; init; }

        public int ExpiresIn { get; init; } = 300;

        public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;

        public int Requests => _requests;

        public Uri? LastUri { get; private set; }

        public string? LastAuthorization { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _requests);
            LastUri = request.RequestUri;
            LastAuthorization = request.Headers.Authorization?.ToString();
            await Task.Delay(Delay, cancellationToken);
            return new HttpResponseMessage(Status)
            {
                Content = new StringContent($"{{\"token\":\"t{n}\",\"expires_in\":{ExpiresIn}}}", Encoding.UTF8, "application/json"),
            };
        }
    }
}
