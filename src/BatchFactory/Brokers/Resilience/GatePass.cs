using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers.Resilience;

/// <summary>
/// One call's way through a <see cref="RateLimitGate"/>: holds its concurrency slot until disposed and settles its token
/// reservation to the usage the provider reports.
/// </summary>
internal sealed class GatePass(RateLimitLease concurrency, SlidingLogLease? tokens) : IDisposable
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

    /// <summary>Gives the concurrency slot back.</summary>
    public void Dispose() => Interlocked.Exchange(ref _concurrency, null)?.Dispose();
}
