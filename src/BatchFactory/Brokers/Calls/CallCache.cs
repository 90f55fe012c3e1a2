using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// Makes each distinct request once per run and once ever: a request identical to one in flight waits for that one
/// instead of being sent again, and the caller that would send it looks in the ledger first (its callers have usually
/// looked already, before taking a call slot; this look covers an answer that landed since). A fresh answer is appended to
/// the ledger as soon as it arrives, before anyone gets it. One per run, shared by every op that calls a model.
/// </summary>
internal sealed class CallCache
{
    private readonly ConcurrentDictionary<string, Task<JsonObject>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The answer to the request with <paramref name="key"/>, and whether it was made by this call.</summary>
    /// <param name="key">The request's content address.</param>
    /// <param name="ledger">Where answers are kept across runs; <see langword="null"/> to share only within the run.</param>
    /// <param name="call">Makes the request; its answer is stored under <paramref name="key"/>.</param>
    /// <param name="failed">
    /// Told when the request this caller made fails (once per request sent: callers that waited for it share its
    /// failure without being told), before anyone sees the failure; e.g. to record it.
    /// </param>
    /// <param name="cancellationToken">Cancels waiting; a call already made still lands in the ledger.</param>
    public async Task<(JsonObject Answer, bool Fresh)> GetAsync(string key, ILedger? ledger, Func<CancellationToken, Task<JsonObject>> call, Func<Exception, Task> failed, CancellationToken cancellationToken)
    {
        var mine = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        var winner = _inFlight.GetOrAdd(key, mine.Task);
        if (winner != mine.Task)
        {
            return ((JsonObject)(await winner.WaitAsync(cancellationToken).ConfigureAwait(false)).DeepClone(), false);
        }

        try
        {
            // The answer may be stored already: from an earlier run, or from a caller that finished and left just now.
            if (await StoredAsync(key, ledger, cancellationToken).ConfigureAwait(false) is { } late)
            {
                mine.SetResult(late);
                return ((JsonObject)late.DeepClone(), false);
            }

            var answer = await call(cancellationToken).ConfigureAwait(false);
            if (ledger is not null)
            {
                await ledger.AppendAsync(key, answer, CancellationToken.None).ConfigureAwait(false);
            }

            mine.SetResult(answer);
            return ((JsonObject)answer.DeepClone(), true);
        }
        catch (Exception ex)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                await failed(ex).ConfigureAwait(false);
            }

            mine.SetException(ex);
            throw;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task<JsonObject>>(key, mine.Task));
        }
    }

    private static async Task<JsonObject?> StoredAsync(string key, ILedger? ledger, CancellationToken cancellationToken) =>
        ledger is null ? null : await ledger.TryGetAsync(key, cancellationToken).ConfigureAwait(false) as JsonObject;
}
