using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// Answers a request once across the workers of a shared run: claims it in the <see cref="ClaimStore"/> and has
/// <paramref name="inner"/> answer it (live calls), storing the answer under the claim's fencing token; or, when another
/// worker holds the claim, waits for that worker's answer, claiming the request again if its lease runs out. The wait
/// sits before <paramref name="inner"/>, so a waiting entry holds none of the model's rate-limit or concurrency permits,
/// nor (through <see cref="CallSlot"/>) its place among the entries its op has in progress, nor does its claim: a claim
/// is made in one of the op's turns to claim, and a claim won takes a place before it calls; an entry told the answer
/// finishes without a place. An entry keeps its place until its own answer is stored: a worker that dies leaves at most
/// its op's concurrency of requests answered but not stored.
/// </summary>
/// <remarks>
/// An answer that came from another worker carries <see cref="ElsewhereMark"/>, which the broker strips: it counts the
/// request as served, not as a call of this worker. A worker whose claim was taken over (it stalled past its lease)
/// cannot store its late answer: it returns the answer of the worker that took over, so every worker ends with the same.
/// When the calling op's ledger is in the claims' database, the answer's ledger record is written with the answer, in
/// one transaction (stamped as the broker stamps it, at <paramref name="time"/>'s now), and a worker that gets an answer
/// from another finds that record there: either way the request is marked <see cref="ModelRequest.Kept"/>, and the
/// broker appends nothing.
/// </remarks>
internal sealed class ClaimedAnswers(IAnswerSource inner, ClaimStore claims, TimeProvider? time = null) : IAnswerSource
{
    /// <summary>The property marking an answer another worker made.</summary>
    public const string ElsewhereMark = "#answered_elsewhere";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc/>
    public bool SaysWhenSent => true;

    /// <inheritdoc/>
    /// <remarks>Every answer a worker makes is stored in the claims, which a claim reads.</remarks>
    public bool FindsAnswersStoredMeanwhile => true;

    /// <inheritdoc/>
    /// <remarks>A ledger of the claims' database: the claim statement returns its record instead of claiming a key it holds.</remarks>
    public bool FindsEverythingStoredIn(ILedger ledger) => claims.Keeps(ledger) is not null;

    /// <inheritdoc/>
    public async Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        // The op's ledger, when the claims can write to it: the broker's scope of this call names the op asking.
        var scope = CallScope.Current is { } current && current.Request == request ? current : null;
        var ledger = claims.Keeps(scope?.Site.Ledger);
        while (true)
        {
            // A claim may lead to a call: it is made in one of the op's turns to claim, without a place (CallSlot), and a
            // claim won takes a place before its turn ends.
            Task<ToldAnswer?>? watch = null;
            Claim claim;
            await CallSlot.BeginClaimAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                watch = await claims.WatchAsync(request.Key, cancellationToken).ConfigureAwait(false);
                claim = await claims.TryClaimAsync(request.Key, ledger, cancellationToken).ConfigureAwait(false);
                if (claim.Token is { } won)
                {
                    await PlaceForAsync(request.Key, won, cancellationToken).ConfigureAwait(false);
                }
            }
            catch when (watch is not null)
            {
                claims.Unwatch(request.Key, watch);
                throw;
            }
            finally
            {
                CallSlot.EndClaim();
            }

            if (claim.Answer is { } stored)
            {
                claims.Unwatch(request.Key, watch);
                request.Kept = claim.InLedger;
                return claim.Recorded ? Elsewhere(AnswerRecord.Answer(JsonNode.Parse(stored)!.AsObject())) : Elsewhere(stored);
            }

            if (claim.Token is { } token)
            {
                claims.Unwatch(request.Key, watch);
                if (await AnswerHereAsync(request, token, scope, ledger, cancellationToken).ConfigureAwait(false) is { } answer)
                {
                    return answer;
                }

                continue;
            }

            // Waiting for another worker's answer is no work of this op: its place goes to the next entry meanwhile.
            CallSlot.StepAside();
            var told = await claims.WaitAsync(request.Key, watch, claim.HeldFor, cancellationToken).ConfigureAwait(false);
            if (told is not null)
            {
                // The notification carried the answer, and the ledger its record was written to with it.
                request.Kept = ledger is not null && told.Ledger == ledger.Id;
                return Elsewhere(told.Answer);
            }
        }
    }

    // Takes a place for the call of a claim won; cancelled meanwhile, gives the claim up (nothing was sent).
    private async Task PlaceForAsync(string key, long token, CancellationToken cancellationToken)
    {
        try
        {
            await CallSlot.TakeAgainAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                await claims.ReleaseAsync(key, token).ConfigureAwait(false);
            }
            catch (LedgerException)
            {
                // The claim runs out with its lease.
            }

            throw;
        }
    }

    // The answer, stored under the claim (with its ledger record, when there is a ledger to keep it in); null when the
    // claim was taken over meanwhile (the caller then reads the other's).
    private async Task<JsonObject?> AnswerHereAsync(ModelRequest request, long token, CallScope? scope, Ledgers.PostgresLedger? ledger, CancellationToken cancellationToken)
    {
        CallScope.Current?.Sending();
        JsonObject answer;
        try
        {
            answer = await inner.AnswerAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await claims.ReleaseAsync(request.Key, token).ConfigureAwait(false);
            }
            catch (LedgerException)
            {
                // The model's error is what the caller must see; the unreleased claim runs out with its lease.
            }

            throw;
        }

        // An answer the inner source found in a ledger (a batch's) is stored there already: the broker handles it as ever.
        var record = ledger is not null && scope is not null && !answer.ContainsKey(ElsewhereMark)
            ? AnswerRecord.Json(answer, scope.Site, scope.Idx, request, _time.GetUtcNow())
            : null;
        if (!await claims.CompleteAsync(request.Key, token, answer.ToJsonString(), ledger, record, CancellationToken.None).ConfigureAwait(false))
        {
            return null;
        }

        request.Kept = record is not null;
        return answer;
    }

    private static JsonObject Elsewhere(string stored) => Elsewhere(JsonNode.Parse(stored)!.AsObject());

    private static JsonObject Elsewhere(JsonObject answer)
    {
        answer[ElsewhereMark] = true;
        return answer;
    }
}
