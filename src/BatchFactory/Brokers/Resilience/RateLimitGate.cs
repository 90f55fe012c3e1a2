using System.Threading.RateLimiting;

namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// The limiters one rate-limiting decorator owns: a <see cref="ConcurrencyLimiter"/> for calls in flight and sliding logs
/// for requests and tokens per minute. A call takes a concurrency slot first, then its tokens, then its request, so the
/// request (and, nearly, the tokens) are counted at the moment the call goes out, not while it queued behind others.
/// </summary>
internal sealed class RateLimitGate : IDisposable
{
    private static readonly TimeSpan s_minute = TimeSpan.FromMinutes(1);

    private readonly ConcurrencyLimiter _concurrency;
    private readonly SlidingLogRateLimiter? _requests;
    private readonly SlidingLogRateLimiter? _tokens;
    private readonly TimeProvider _time;

    public RateLimitGate(RateLimitOptions options)
    {
        options.Validate();
        _time = options.TimeProvider;
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        if (options.RequestsPerMinute is { } requests)
        {
            _requests = new SlidingLogRateLimiter(requests, s_minute, options.TimeProvider);
        }

        if (options.TokensPerMinute is { } tokens)
        {
            _tokens = new SlidingLogRateLimiter(tokens, s_minute, options.TimeProvider);
        }
    }

    /// <summary>Whether tokens are limited (so a call's tokens need estimating).</summary>
    public bool LimitsTokens => _tokens is not null;

    /// <summary>The limiters, for tests: calls in flight, requests per minute, tokens per minute.</summary>
    internal (RateLimiter Concurrency, RateLimiter? Requests, RateLimiter? Tokens) Limiters => (_concurrency, _requests, _tokens);

    /// <summary>
    /// Waits until a call expected to use <paramref name="expectedTokens"/> tokens may go out; time spent queueing is told
    /// to the call's <see cref="CallScope"/>: for the per-minute limits as time held back, for a concurrency slot as queue time only.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <exception cref="ObjectDisposedException">The decorator was disposed.</exception>
    public async ValueTask<GatePass> EnterAsync(long expectedTokens, CancellationToken cancellationToken)
    {
        var concurrency = await AcquireAsync(_concurrency, 1, heldBack: false, cancellationToken).ConfigureAwait(false);
        SlidingLogLease? tokens = null;
        SlidingLogLease? request = null;
        try
        {
            if (_tokens is not null)
            {
                var reserve = (int)Math.Clamp(expectedTokens, 1, _tokens.Limit);
                tokens = (SlidingLogLease)await AcquireAsync(_tokens, reserve, heldBack: true, cancellationToken).ConfigureAwait(false);
            }

            if (_requests is not null)
            {
                request = (SlidingLogLease)await AcquireAsync(_requests, 1, heldBack: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            tokens?.Settle(0);
            concurrency.Dispose();
            throw;
        }

        return new GatePass(concurrency, tokens, request);
    }

    public void Dispose()
    {
        _concurrency.Dispose();
        _requests?.Dispose();
        _tokens?.Dispose();
    }

    // Time waited for a lease not granted at once is told to the call's scope: for a per-minute limit as time held back,
    // for a concurrency slot as queue time only (the op's own concurrency above the limit is not throttling).
    private async ValueTask<RateLimitLease> AcquireAsync(RateLimiter limiter, int permits, bool heldBack, CancellationToken cancellationToken)
    {
        var pending = limiter.AcquireAsync(permits, cancellationToken);
        if (pending.IsCompleted)
        {
            return Granted(await pending.ConfigureAwait(false));
        }

        var started = _time.GetTimestamp();
        try
        {
            return Granted(await pending.ConfigureAwait(false));
        }
        finally
        {
            var waited = _time.GetElapsedTime(started);
            if (heldBack)
            {
                CallScope.Current?.Waited(waited);
            }
            else
            {
                CallScope.Current?.Queued(waited);
            }
        }
    }

    private static RateLimitLease Granted(RateLimitLease lease)
    {
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new ObjectDisposedException(nameof(RateLimitGate), "The rate-limiting client was disposed while this call waited for its turn.");
        }

        return lease;
    }
}
