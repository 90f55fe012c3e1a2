using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>What the broker tells about the requests it answers; the run's telemetry turns it into events and logs.</summary>
internal interface ICallObserver
{
    /// <summary>Whether anyone listens to <see cref="Started"/>, <see cref="Finished"/> and <see cref="Retried"/> (tracking a call has a cost).</summary>
    bool TracksCalls { get; }

    /// <summary>A request is sent to the model.</summary>
    void Started(CallSite site, string idx, ModelRequest request);

    /// <summary>A request sent was answered; <paramref name="cost"/> is in US dollars, <see langword="null"/> without a price.</summary>
    void Finished(CallSite site, string idx, ModelRequest request, JsonObject answer, TimeSpan duration, decimal? cost);

    /// <summary>A request was answered from the ledger, or by an identical one in flight.</summary>
    void Cached(CallSite site, string idx, ModelRequest request);

    /// <summary>A request failed for good; <paramref name="error"/> has no API keys in it.</summary>
    void Failed(CallSite site, string idx, ModelRequest request, string error);

    /// <summary>An attempt of a request sent failed and will be retried.</summary>
    void Retried(CallSite site, string idx, ModelRequest request, RetryEvent retry);

    /// <summary>
    /// A fallback chain's member <paramref name="member"/> could not answer (<paramref name="error"/>, without API keys),
    /// and the request goes to the chain's next member. Default: nothing.
    /// </summary>
    void FellBack(CallSite site, string idx, ModelRequest member, string error)
    {
    }
}
