using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// One call's way through a <see cref="RateLimitGate"/>: holds its concurrency slot until disposed, settles its token
/// reservation to the usage the provider reports, and when disposed (the call has ended) starts its request's
/// per-minute window again, so the limit holds from the provider's side too.
/// </summary>
internal sealed class GatePass(RateLimitLease concurrency, SlidingLogLease? tokens, SlidingLogLease? request = null) : IDisposable
{
    private RateLimitLease? _concurrency = concurrency;

    /// <summary>Settles the token reservation to <paramref name="usage"/>; without a count the reservation stands.</summary>
    public void Settle(UsageDetails? usage)
    {
        if (tokens is not null && TokenEstimate.Used(usage) is { } used)
        {
            tokens.Settle(used);
        }
    }

    /// <summary>Gives the concurrency slot back and restarts the request's window.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _concurrency, null) is { } slot)
        {
            request?.Restart();
            slot.Dispose();
        }
    }
}
