using System.Net;
using System.Net.Http.Headers;
using Dragonfly.Core;

namespace Dragonfly.Transfer;

/// <summary>
/// One GET of a source's content that survives transient faults (<see cref="SourceRetryPolicy"/>), made the
/// same way by the seed and by a peer that goes to the source itself. <see cref="OpenAsync"/> retries transient
/// answers and failed connections; <see cref="Body"/> reads the content to its end, and when the connection
/// breaks mid-body it asks for the rest with a range request, so the bytes already read are not fetched again.
/// The rest must start at the byte asked for and belong to content of the same length, and when the first
/// answer had a validator (a strong ETag or Last-Modified) the request carries it as <c>If-Range</c>: content
/// that changed meanwhile comes back whole (200) and the fetch fails instead of mixing two versions.
/// </summary>
public sealed class SourceFetch : IDisposable
{
    private readonly HttpClient _client;
    private readonly ContentKey _key;
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly SourceRetryPolicy _policy;
    private readonly TimeProvider _time;
    private readonly Action<string>? _retrying;
    private HttpResponseMessage? _current;
    private RangeConditionHeaderValue? _validator;
    private long? _total;

    private SourceFetch(HttpClient client, ContentKey key, IReadOnlyDictionary<string, string> headers, SourceRetryPolicy policy, TimeProvider time, Action<string>? retrying)
    {
        _client = client;
        _key = key;
        _headers = headers;
        _policy = policy;
        _time = time;
        _retrying = retrying;
    }

    /// <summary>The source's first usable answer (or its last one, when every try failed): status and headers.</summary>
    public HttpResponseMessage Response { get; private set; } = null!;

    /// <summary>Requests it took to get <see cref="Response"/>: 1 unless the source failed transiently first.</summary>
    public int Attempts { get; private set; }

    /// <summary>The content, read to its end across resumed connections. Only for the expected status.</summary>
    public Stream Body { get; private set; } = Stream.Null;

    /// <summary>
    /// Sends the request, asking again after transient answers and connection failures. Returns with the status
    /// the source settled on; a connection failure on the last try is thrown.
    /// </summary>
    /// <param name="retrying">Told why, each time the fetch tries again (for the caller's log).</param>
    public static async Task<SourceFetch> OpenAsync(HttpClient client, ContentKey key, IReadOnlyDictionary<string, string> headers,
        SourceRetryPolicy policy, TimeProvider time, Action<string>? retrying, CancellationToken cancellationToken)
    {
        var fetch = new SourceFetch(client, key, headers, policy, time, retrying);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var last = attempt >= policy.MaxAttempts;
                HttpResponseMessage response;
                try
                {
                    using var request = SourceRequests.Create(key, headers);
                    response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!last && IsConnectionFault(e, cancellationToken))
                {
                    await fetch.PauseAsync(attempt, null, $"connecting failed ({e.Message})", cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (HttpRequestException e) when (attempt > 1)
                {
                    throw new HttpRequestException($"{e.Message} (tried {attempt} times)", e);
                }
                if (!last && SourceRetryPolicy.IsTransient(response.StatusCode))
                {
                    var retryAfter = response.Headers.RetryAfter?.Delta;
                    var status = $"the source answered {(int)response.StatusCode} {response.ReasonPhrase}";
                    response.Dispose();
                    await fetch.PauseAsync(attempt, retryAfter, status, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                fetch.Response = response;
                fetch._current = response;
                fetch.Attempts = attempt;
                if (response.StatusCode == SourceRequests.ExpectedStatus(key))
                {
                    fetch.RememberValidator(response);
                    fetch.Body = new ResumingStream(fetch, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
                }
                return fetch;
            }
        }
        catch
        {
            fetch.Dispose();
            throw;
        }
    }

    /// <summary>" (tried N times)" for a message about an answer that came after retries; empty for the first.</summary>
    public static string Tries(int attempts) => attempts > 1 ? $" (tried {attempts} times)" : "";

    public void Dispose()
    {
        Body.Dispose();
        _current?.Dispose();
        Response?.Dispose();
    }

    /// <summary>What a resumed request must match: the first answer's validator and the content's total length.</summary>
    private void RememberValidator(HttpResponseMessage response)
    {
        if (response.Headers.ETag is { IsWeak: false } etag)
        {
            _validator = new RangeConditionHeaderValue(etag);
        }
        else if (response.Content.Headers.LastModified is { } modified)
        {
            _validator = new RangeConditionHeaderValue(modified);
        }
        _total = response.StatusCode == HttpStatusCode.PartialContent ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
    }

    private async Task PauseAsync(int failures, TimeSpan? retryAfter, string why, CancellationToken cancellationToken)
    {
        var delay = _policy.DelayAfter(failures, retryAfter);
        _retrying?.Invoke($"{why}; trying again in {delay.TotalSeconds:0.0} s ({failures + 1} of {_policy.MaxAttempts})");
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks for the content from <paramref name="offset"/> (bytes of the task's content already read) on. Returns
    /// the new body, or throws <see cref="IOException"/> saying why the content cannot be resumed.
    /// </summary>
    private async Task<Stream> ResumeAsync(long offset, CancellationToken cancellationToken)
    {
        var first = 0L;
        long? last = null;
        if (ByteRange.TryParse(_key.Range, out var taskRange))
        {
            (first, last) = (taskRange.Value.First, taskRange.Value.Last);
        }
        else if (_total is { } total)
        {
            last = total - 1; // a closed range where the length is known: the form every server takes
        }
        using var request = SourceRequests.Create(_key with { Range = null }, _headers);
        request.Headers.Range = new RangeHeaderValue(first + offset, last);
        request.Headers.IfRange = _validator;
        var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var range = response.Content.Headers.ContentRange;
        string? refusal = null;
        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            refusal = SourceRetryPolicy.IsTransient(response.StatusCode)
                ? $"asking for the rest, the source answered {(int)response.StatusCode} {response.ReasonPhrase}"
                : $"the source answered {(int)response.StatusCode} to a request for the rest, not 206: it cannot resume, or the content changed";
        }
        else if (range?.From != first + offset || (_total is not null && range.Length is not null && range.Length != _total))
        {
            refusal = $"the source sent {range} when asked for the rest from byte {first + offset}";
        }
        if (refusal is not null)
        {
            response.Dispose();
            throw new SourceResumeException(refusal, SourceRetryPolicy.IsTransient(response.StatusCode));
        }
        _current?.Dispose();
        _current = response;
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsConnectionFault(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException;

    /// <summary>A resume the source refused; <see cref="Transient"/> when asking again may work.</summary>
    private sealed class SourceResumeException(string message, bool transient) : IOException(message)
    {
        public bool Transient { get; } = transient;
    }

    /// <summary>The body, resumed from where it broke; consecutive faults without a byte between them are bounded by the policy.</summary>
    private sealed class ResumingStream(SourceFetch fetch, Stream inner) : Stream
    {
        private Stream _inner = inner;
        private long _position;
        private int _failures;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                try
                {
                    var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    if (read > 0)
                    {
                        _position += read;
                        _failures = 0;
                    }
                    return read;
                }
                catch (Exception e) when (IsConnectionFault(e, cancellationToken))
                {
                    await ResumeAfterAsync(e, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private async Task ResumeAfterAsync(Exception fault, CancellationToken cancellationToken)
        {
            var why = $"the connection broke after {_position} bytes ({fault.Message})";
            while (true)
            {
                if (++_failures >= fetch._policy.MaxAttempts)
                {
                    throw new IOException($"{why}; gave up after {_failures} tries", fault);
                }
                await fetch.PauseAsync(_failures, null, why, cancellationToken).ConfigureAwait(false);
                try
                {
                    await _inner.DisposeAsync().ConfigureAwait(false);
                    _inner = await fetch.ResumeAsync(_position, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (SourceResumeException refused) when (!refused.Transient)
                {
                    throw new IOException($"{why}, and resuming failed: {refused.Message}", fault);
                }
                catch (Exception e) when (IsConnectionFault(e, cancellationToken))
                {
                    why = $"resuming after {_position} bytes failed ({e.Message})";
                }
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("a source body is read asynchronously");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
