using System.Text.Json.Nodes;
using BatchFactory.Brokers.Resilience;

namespace BatchFactory.Brokers;

/// <summary>Fallback chains: a chain's request is looked up under every member, and asked of the first member available.</summary>
internal sealed partial class ModelBroker
{
    // The answer stored under the request's key, or under any of its chain's members' keys (first member first): all of
    // them in one lookup, gathered with the lookups of other entries arriving meanwhile (LedgerLookups).
    private async ValueTask<(JsonObject Answer, ModelRequest By)?> StoredAsync(ILedger? ledger, ModelRequest request, CancellationToken cancellationToken)
    {
        if (ledger is null)
        {
            return null;
        }

        var lookups = _lookups.GetOrAdd(ledger, static l => new LedgerLookups(l));
        if (_setup.Models.ChainOf(request.Model) is not { } chain)
        {
            var record = (await lookups.GetAsync([request.Key], cancellationToken).ConfigureAwait(false))[0];
            return record is JsonObject one ? (AnswerRecord.Answer(one), request) : null;
        }

        var members = MemberRequests.Of(request, chain);
        string[] keys = [.. members.Select(member => member.Key)];
        var found = await lookups.GetAsync(keys, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < members.Count; i++)
        {
            if (found[i] is JsonObject stored)
            {
                return (AnswerRecord.Answer(stored), members[i]);
            }
        }

        return null;
    }

    // Asks a chain's first member whose breaker is closed and whose rate-limit pause is short enough, going on to the
    // next when one fails with a provider error or would be held back by a rate limit for longer than the chain's MaxWait. The last member is always tried, so a chain whose every member is down
    // fails as its last member does.
    private async Task<(JsonObject Answer, ModelRequest By)> AskFirstAvailableAsync(CallSite site, string idx, ModelRequest request, FallbackChain chain, CancellationToken cancellationToken)
    {
        var members = MemberRequests.Of(request, chain);
        for (var i = 0; ; i++)
        {
            var member = members[i];
            var last = i == members.Count - 1;
            if (!last && (_clients.IsOpen(member.Model) || CoolDownOf(member.Model).Left > chain.MaxWait))
            {
                continue;
            }

            try
            {
                // A member but the last may be held back by a rate limit for at most MaxWait, then the next is asked.
                return (await AskAsync(site, idx, member, cancellationToken, last ? null : chain.MaxWait).ConfigureAwait(false), member);
            }
            catch (Exception ex) when (!last && !cancellationToken.IsCancellationRequested && FallsThrough(ex))
            {
                // A 429 whose wait the chain would not make: the member pauses for it, so later requests pass it over.
                if (ProviderFault.Of(ex).StatusCode == 429)
                {
                    site.Counters.RateLimited();
                    var coolDown = CoolDownOf(member.Model);
                    if (RetryAfterHeader.Read(ex, coolDown.Now) is { } asked)
                    {
                        coolDown.PauseUntil(coolDown.Now + asked);
                    }
                }

                _observer.FellBack(site, idx, member, Secrets.Describe(ex));
                if (BatchFactoryTelemetry.Fallbacks.Enabled)
                {
                    BatchFactoryTelemetry.Fallbacks.Add(1, BatchFactoryTelemetry.Tags(site.Op, member.Model.Model, member.Model.Provider));
                }
            }
        }
    }

    // A failure that says the member cannot answer now, rather than that the request itself is wrong.
    private static bool FallsThrough(Exception exception) =>
        exception is ProviderUnavailableException or ModelConfigurationException or RateLimitedTooLongException
        || ProviderFault.Of(exception) is { Kind: ProviderFaultKind.Unhealthy or ProviderFaultKind.Auth or ProviderFaultKind.NotFound } or { StatusCode: 429 };
}
