using System.Net;
using System.Net.Http.Headers;

namespace Dragonfly.Operator.Tests.Preheat;

/// <summary>
/// An in-memory registry for <see cref="Oci.RegistryClient"/>: each manifest path answers with the scripted bytes and
/// media type; any other path is 404. No sockets, so a property run can ask it thousands of times a second.
/// </summary>
internal sealed class ScriptedManifests : HttpMessageHandler
{
    private readonly Dictionary<string, (byte[] Body, string MediaType)> _manifests = new(StringComparer.Ordinal);

    public void Serve(string path, byte[] body, string mediaType) => _manifests[path] = (body, mediaType);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!_manifests.TryGetValue(request.RequestUri!.AbsolutePath, out var manifest))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("{\"errors\":[]}") });
        }
        var content = new ByteArrayContent(manifest.Body);
        if (MediaTypeHeaderValue.TryParse(manifest.MediaType, out var type))
        {
            content.Headers.ContentType = type;
        }
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
    }
}
