using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Kubernetes;

/// <summary>
/// Typed access to the API server for any entity type carrying <see cref="KubernetesEntityAttribute"/>, built-in
/// or custom: get, list (paged), create, replace, delete, JSON merge patch, server-side apply, the status
/// subresource, watch, and discovery. Method shapes follow KubeOps' <c>IKubernetesClient</c>. A null namespace
/// means a cluster-scoped resource.
/// </summary>
public sealed partial class KubernetesClient : IDisposable
{
    private const int ListPageSize = 500;
    private readonly HttpClient _http;
    private readonly KubernetesClientConfiguration _config;
    private readonly TokenFileReader? _tokenFile;

    public KubernetesClient(KubernetesClientConfiguration config)
    {
        _config = config;
        _tokenFile = config.TokenFile is null ? null : new TokenFileReader(config.TokenFile);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = ValidateServer },
        };
        if (config.ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { config.ClientCertificate };
        }
        _http = new HttpClient(handler) { BaseAddress = config.Host, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("dragonfly-operator/1.0");
    }

    /// <summary>The namespace of the kubeconfig context or service account.</summary>
    public string DefaultNamespace => _config.Namespace;

    public async Task<T?> GetAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default) where T : class, IKubernetesObject
    {
        try
        {
            return await SendAsync<T>(HttpMethod.Get, ObjectPath<T>(name, @namespace), null, null, cancellationToken);
        }
        catch (KubernetesException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public async Task<IList<T>> ListAsync<T>(string? @namespace = null, string? labelSelector = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject =>
        (await ListWithMetadataAsync<T>(@namespace, labelSelector, cancellationToken)).Items;

    /// <summary>Every item (fetched in pages) and the list's resourceVersion, from which a watch continues.</summary>
    public async Task<EntityList<T>> ListWithMetadataAsync<T>(string? @namespace = null, string? labelSelector = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        var all = new EntityList<T>();
        string? continueToken = null;
        do
        {
            var query = Query(("labelSelector", labelSelector), ("limit", ListPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("continue", continueToken));
            var page = await SendAsync<EntityList<T>>(HttpMethod.Get, CollectionPath<T>(@namespace) + query, null, null, cancellationToken);
            all.Items.AddRange(page.Items);
            all.Metadata = page.Metadata;
            continueToken = page.Metadata.Continue;
        }
        while (!string.IsNullOrEmpty(continueToken));
        return all;
    }

    public Task<T> CreateAsync<T>(T entity, CancellationToken cancellationToken = default) where T : class, IKubernetesObject =>
        SendAsync<T>(HttpMethod.Post, CollectionPath<T>(entity.Metadata.Namespace), Json(WithTypeMeta(entity)), null, cancellationToken);

    /// <summary>Replaces the object; fails with a conflict when its resourceVersion is stale.</summary>
    public Task<T> UpdateAsync<T>(T entity, CancellationToken cancellationToken = default) where T : class, IKubernetesObject =>
        SendAsync<T>(HttpMethod.Put, ObjectPath<T>(NameOf(entity), entity.Metadata.Namespace), Json(WithTypeMeta(entity)), null, cancellationToken);

    /// <summary>Replaces the status subresource only; fails with a conflict when its resourceVersion is stale.</summary>
    public Task<T> UpdateStatusAsync<T>(T entity, CancellationToken cancellationToken = default) where T : class, IKubernetesObject =>
        SendAsync<T>(HttpMethod.Put, ObjectPath<T>(NameOf(entity), entity.Metadata.Namespace) + "/status", Json(WithTypeMeta(entity)), null, cancellationToken);

    /// <summary>A JSON merge patch (RFC 7386): <paramref name="patch"/> is serialized with its nulls, and a null deletes the field.</summary>
    public Task<T> PatchAsync<T>(string name, string? @namespace, object patch, CancellationToken cancellationToken = default) where T : class, IKubernetesObject =>
        SendAsync<T>(HttpMethod.Patch, ObjectPath<T>(name, @namespace), Content(patch, "application/merge-patch+json", KubernetesJson.MergePatchOptions), null, cancellationToken);

    /// <summary>A JSON merge patch of the status subresource.</summary>
    public Task<T> PatchStatusAsync<T>(string name, string? @namespace, object patch, CancellationToken cancellationToken = default) where T : class, IKubernetesObject =>
        SendAsync<T>(HttpMethod.Patch, ObjectPath<T>(name, @namespace) + "/status", Content(patch, "application/merge-patch+json", KubernetesJson.MergePatchOptions), null, cancellationToken);

    /// <summary>
    /// Server-side apply: the server merges the fields <paramref name="entity"/> sets into the live object and records
    /// <paramref name="fieldManager"/> as their owner; fields it stops setting are removed. Creates the object when absent.
    /// </summary>
    public Task<T> ApplyAsync<T>(T entity, string fieldManager, bool force = true, CancellationToken cancellationToken = default) where T : class, IKubernetesObject =>
        SendAsync<T>(HttpMethod.Patch, ObjectPath<T>(NameOf(entity), entity.Metadata.Namespace) + Query(("fieldManager", fieldManager), ("force", force ? "true" : null)),
            Content(WithTypeMeta(entity), "application/apply-patch+yaml"), null, cancellationToken);

    /// <summary>Deletes the object; false when it was already gone. Dependents are removed in the background by the garbage collector.</summary>
    public async Task<bool> DeleteAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default) where T : class, IKubernetesObject
    {
        try
        {
            await SendAsync<JsonElement>(HttpMethod.Delete, ObjectPath<T>(name, @namespace) + "?propagationPolicy=Background", null, null, cancellationToken);
            return true;
        }
        catch (KubernetesException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the server serves <paramref name="group"/>/<paramref name="version"/> with resource
    /// <paramref name="plural"/> (discovery), e.g. to choose policy/v1 or policy/v1beta1.
    /// </summary>
    public async Task<bool> ServesAsync(string group, string version, string plural, CancellationToken cancellationToken = default)
    {
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        try
        {
            var list = await SendAsync<JsonElement>(HttpMethod.Get, path, null, null, cancellationToken);
            return list.TryGetProperty("resources", out var resources)
                && resources.EnumerateArray().Any(r => r.TryGetProperty("name", out var n) && n.GetString() == plural);
        }
        catch (KubernetesException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    public Task<bool> ServesAsync<T>(CancellationToken cancellationToken = default) where T : IKubernetesObject
    {
        var info = EntityInfo.Of<T>();
        return ServesAsync(info.Group, info.Version, info.Plural, cancellationToken);
    }

    /// <summary>GET of any path, decoded as <typeparamref name="TResult"/> (e.g. <c>/version</c>).</summary>
    public Task<TResult> GetRawAsync<TResult>(string path, CancellationToken cancellationToken = default) =>
        SendAsync<TResult>(HttpMethod.Get, path, null, null, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<TResult> SendAsync<TResult>(HttpMethod method, string path, HttpContent? content, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout ?? _config.RequestTimeout);
        using var request = NewRequest(method, path, content);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(request, timeoutSource.Token);
            body = await response.Content.ReadAsStringAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubernetesException(HttpStatusCode.GatewayTimeout, null, $"{method} {path}: the API server at {_config.Host} did not answer within {(timeout ?? _config.RequestTimeout).TotalSeconds:0} s", e);
        }
        catch (HttpRequestException e)
        {
            throw new KubernetesException(HttpStatusCode.ServiceUnavailable, null, $"{method} {path}: cannot reach the API server at {_config.Host}: {e.Message}", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(method, path, response.StatusCode, body);
            }
            return KubernetesJson.Deserialize<TResult>(body);
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if ((_tokenFile?.Read() ?? _config.AccessToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (_config.Username is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_config.Username}:{_config.Password}")));
        }
        return request;
    }

    private static KubernetesException Failure(HttpMethod method, string path, HttpStatusCode code, string body)
    {
        V1Status? status = null;
        try
        {
            status = body.Length > 0 && body[0] == '{' ? KubernetesJson.Deserialize<V1Status>(body) : null;
        }
        catch (JsonException)
        {
        }
        var detail = status?.Message ?? (body.Length > 300 ? body[..300] : body);
        var causes = status?.Details?.Causes is { Count: > 0 } list
            ? " [" + string.Join("; ", list.Select(c => $"{c.Field}: {c.Message}")) + "]"
            : string.Empty;
        return new KubernetesException(code, status, $"{method} {path} failed with {(int)code} {status?.Reason ?? code.ToString()}: {detail}{causes}");
    }

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_config.SkipTlsVerify || errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null || _config.CaCertificates.Count == 0 || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_config.CaCertificates);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }

    private static T WithTypeMeta<T>(T entity) where T : IKubernetesObject
    {
        var info = EntityInfo.Of(entity.GetType());
        entity.ApiVersion ??= info.GroupVersion;
        entity.Kind ??= info.Kind;
        return entity;
    }

    private static string NameOf(IKubernetesObject entity) =>
        entity.Metadata.Name ?? throw new ArgumentException($"the {entity.GetType().Name} has no metadata.name");

    private static string CollectionPath<T>(string? @namespace)
    {
        var info = EntityInfo.Of<T>();
        return @namespace is null
            ? $"{info.ApiPrefix}/{info.Plural}"
            : $"{info.ApiPrefix}/namespaces/{Uri.EscapeDataString(@namespace)}/{info.Plural}";
    }

    private static string ObjectPath<T>(string name, string? @namespace) => $"{CollectionPath<T>(@namespace)}/{Uri.EscapeDataString(name)}";

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return present.Length == 0 ? string.Empty : "?" + string.Join('&', present);
    }

    private static StringContent Json(object value) => Content(value, "application/json");

    private static StringContent Content(object value, string mediaType, JsonSerializerOptions? options = null) =>
        new(value as string ?? JsonSerializer.Serialize(value, value.GetType(), options ?? KubernetesJson.Options), Encoding.UTF8, mediaType);
}
