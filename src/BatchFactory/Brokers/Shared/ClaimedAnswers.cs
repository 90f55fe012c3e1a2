using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// Answers a request once across the workers of a shared run: claims it in the <see cref="ClaimStore"/> and has
/// <paramref name="inner"/> answer it (live calls), storing the answer under the claim's fencing token; or, when another
/// worker holds the claim, waits for that worker's answer, claiming the request again if its lease runs out. The wait
/// sits before <paramref name="inner"/>, so a waiting entry holds none of the model's rate-limit or concurrency permits,
/// nor (through <see cref="CallSlot"/>) its place among the entries its op has in progress.
/// </summary>
/// <remarks>
/// An answer that came from another worker carries <see cref="ElsewhereMark"/>, which the broker strips: it counts the
/// request as served, not as a call of this worker. A worker whose claim was taken over (it stalled past its lease)
/// cannot store its late answer: it returns the answer of the worker that took over, so every worker ends with the same.
/// </remarks>
internal sealed class ClaimedAnswers(IAnswerSource inner, ClaimStore claims) : IAnswerSource
{
    /// <summary>The property marking an answer another worker made.</summary>
    public const string ElsewhereMark = "#answered_elsewhere";

    /// <inheritdoc/>
    public bool SaysWhenSent => true;

    /// <inheritdoc/>
    public async Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        while (true)
        {
            var watch = claims.Watch(request.Key);
            var claim = await claims.TryClaimAsync(request.Key, cancellationToken).ConfigureAwait(false);
            if (claim.Answer is { } stored)
            {
                claims.Unwatch(request.Key, watch);
                return Elsewhere(stored);
            }

            if (claim.Token is { } token)
            {
                claims.Unwatch(request.Key, watch);
                if (await AnswerHereAsync(request, token, cancellationToken).ConfigureAwait(false) is { } answer)
                {
                    return answer;
                }

                continue;
            }

            // Waiting for another worker's answer is no work of this op: its place goes to the next entry meanwhile.
            await CallSlot.WhileParkedAsync(claims.WaitAsync(request.Key, watch, claim.HeldFor, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    // The answer, stored under the claim; null when the claim was taken over meanwhile (the caller then reads the other's).
    private async Task<JsonObject?> AnswerHereAsync(ModelRequest request, long token, CancellationToken cancellationToken)
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

        return await claims.CompleteAsync(request.Key, token, answer.ToJsonString(), CancellationToken.None).ConfigureAwait(false) ? answer : null;
    }

    private static JsonObject Elsewhere(string stored)
    {
        var answer = JsonNode.Parse(stored)!.AsObject();
        answer[ElsewhereMark] = true;
        return answer;
    }
}
