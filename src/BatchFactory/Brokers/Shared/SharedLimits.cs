using System.Text.Json.Nodes;
using BatchFactory.Brokers.Resilience;

namespace BatchFactory.Brokers;

/// <summary>
/// Holds a model's <see cref="RateLimitOptions.RequestsPerMinute"/> and <see cref="RateLimitOptions.TokensPerMinute"/>
/// across every worker of a shared run (<see cref="SharedLimiter"/>), around the calls this worker makes: tokens are
/// reserved from the estimate the in-process limiter uses and settled to the provider's count, the request counts for a
/// minute from when the call ended. Concurrency stays per worker (the in-process limiter inside <paramref name="inner"/>,
/// which also still paces this worker's retries).
/// </summary>
internal sealed class SharedLimits(IAnswerSource inner, SharedLimiter limiter, Func<ModelSpec, RateLimitOptions?> limitsOf) : IAnswerSource
{
    /// <inheritdoc/>
    public async Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        if (limitsOf(request.Model) is not { } limits || (limits.RequestsPerMinute is null && limits.TokensPerMinute is null))
        {
            return await inner.AnswerAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var model = request.Model.ToString();
        long? tokens = limits.TokensPerMinute is { } tpm
            ? await limiter.AcquireAsync(model + " tokens", tpm, Estimate(request, limits), cancellationToken).ConfigureAwait(false)
            : null;
        long? call = null;
        JsonObject? answer = null;
        try
        {
            if (limits.RequestsPerMinute is { } rpm)
            {
                call = await limiter.AcquireAsync(model + " requests", rpm, 1, cancellationToken).ConfigureAwait(false);
            }

            answer = await inner.AnswerAsync(request, cancellationToken).ConfigureAwait(false);
            return answer;
        }
        finally
        {
            if (call is { } requestGrant)
            {
                await limiter.SettleAsync(requestGrant, null).ConfigureAwait(false);
            }

            if (tokens is { } tokenGrant)
            {
                var used = answer?["usage"] is null ? (long?)null : ModelBroker.Tokens(answer, "input_tokens") + ModelBroker.Tokens(answer, "output_tokens");
                await limiter.SettleAsync(tokenGrant, used).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// <paramref name="setup"/> for a worker of a shared run: the per-minute limits are taken out of every model's
    /// options (they are held across the workers instead), leaving calls in flight, retries and breakers per worker.
    /// </summary>
    public static BrokerSetup PerWorker(BrokerSetup setup) =>
        setup with
        {
            Broker = PerWorker(setup.Broker),
            BrokerFor = setup.BrokerFor?.ToDictionary(p => p.Key, p => PerWorker(p.Value), (setup.BrokerFor as Dictionary<string, BrokerOptions>)?.Comparer), // keys matched as given (any case from configuration)
            BrokerForProvider = setup.BrokerForProvider?.ToDictionary(p => p.Key, p => PerWorker(p.Value), StringComparer.OrdinalIgnoreCase),
        };

    // A copy of every BrokerOptions property: one added there must be added here.
    private static BrokerOptions PerWorker(BrokerOptions options) => options.RateLimit is not { } limits ? options : new BrokerOptions
    {
        Retry = options.Retry,
        CircuitBreaker = options.CircuitBreaker,
        RateLimit = new RateLimitOptions { MaxConcurrency = limits.MaxConcurrency, ExpectedOutputTokens = limits.ExpectedOutputTokens, TimeProvider = limits.TimeProvider },
    };

    private static long Estimate(ModelRequest request, RateLimitOptions limits) => request switch
    {
        ChatCall chat => TokenEstimate.ForChat(ChatRequest.Messages(chat.Request), ChatRequest.Options(chat.Request), limits.ExpectedOutputTokens),
        EmbeddingCall embedding => TokenEstimate.ForEmbeddings([embedding.Text], null),
        _ => 1,
    };
}
