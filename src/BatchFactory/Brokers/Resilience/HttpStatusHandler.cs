using System.Globalization;

namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// Turns an error answer (status 400 or above) into an <see cref="HttpStatusFailure"/> carrying its status, its
/// <c>retry-after</c> and the start of its body, for SDKs whose own exceptions keep no headers (Anthropic's), so the
/// broker's retries honour <c>retry-after</c> and its breaker sees the status.
/// </summary>
internal sealed class HttpStatusHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const int MaxBodyShown = 500;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode < 400)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var retryAfter = response.Headers.TryGetValues("retry-after-ms", out var ms) ? RetryAfterHeader.ParseMilliseconds(ms.FirstOrDefault()) : null;
            retryAfter ??= response.Headers.TryGetValues("retry-after", out var after) ? RetryAfterHeader.Parse(after.FirstOrDefault(), DateTimeOffset.UtcNow) : null;
            var shown = body.Length > MaxBodyShown ? body[..MaxBodyShown] + "…" : body;
            throw new HttpStatusFailure(response.StatusCode, retryAfter, string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} from {request.RequestUri?.GetLeftPart(UriPartial.Path)}: {shown}"));
        }
    }
}
