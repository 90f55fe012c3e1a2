using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// Answers that reach a request by another way than its own batch. A result line no request waits for in its batch
/// (a batch taken up by a later run may hold the requests of another job, another op or model, of the run: see
/// <see cref="AdoptAsync"/>) goes to the request of the run waiting for that key in another batch, or to the one
/// that comes (kept here, and taken off a file before it is submitted); one nobody takes is appended to the ledger its
/// answer belongs in. A request about to be submitted again is looked up first: answered meanwhile (by a live call, by
/// another worker, by another batch), it is served, not paid twice.
/// </summary>
internal sealed partial class BatchAnswers
{
    private readonly ConcurrentDictionary<string, JsonObject> _unclaimed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BatchJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>A batch of this run, submitted or taken up: requests waiting in it can be answered by another batch's line.</summary>
    public void Started(BatchJob job) => _jobs[job.Id] = job;

    /// <summary>The batch is collected (or given up): nobody waits in it any more.</summary>
    public void Ended(BatchJob job) => _jobs.TryRemove(job.Id, out _);

    /// <summary>
    /// An answer of a collected batch that no request waits for in it: handed to a request waiting for it in another
    /// batch of this run, else kept for one that comes (see <see cref="Claim"/>).
    /// </summary>
    /// <returns>Whether a waiting request took it.</returns>
    public bool Unclaimed(BatchJob from, string key, JsonObject answer)
    {
        // Kept first: a request placed meanwhile looks here before it attaches to a batch or goes into a file.
        _unclaimed[key] = answer;
        foreach (var (_, job) in _jobs)
        {
            if (job == from || job.TryTake(key) is not { } waiter)
            {
                continue;
            }

            // The key names the model it was asked of, so the answer is that request's model's, whatever lane read it
            // (an Anthropic batch taken up by a guess is read by the lane that guessed).
            var given = Claim(key) ?? (JsonObject)answer.DeepClone();
            if (given.ContainsKey("model"))
            {
                given["model"] = waiter.Request.Model.ToString();
            }

            if (waiter.Answered(given))
            {
                return true;
            }

            // That request had already failed or been cancelled: the answer is kept for another one, or stored.
            _unclaimed[key] = given;
        }

        return false;
    }

    /// <summary>Whether no answer is kept for <paramref name="key"/> (any kept one was taken by a request).</summary>
    public bool Taken(string key) => !_unclaimed.ContainsKey(key);

    /// <summary>Takes the kept answer for <paramref name="key"/>; <see langword="null"/> if there is none or a request already took it.</summary>
    public JsonObject? Claim(string key) => _unclaimed.IsEmpty ? null : _unclaimed.TryRemove(key, out var answer) ? answer : null;

    /// <summary>
    /// Appends the answers under <paramref name="keys"/> that no request took to the ledgers they belong in (durably),
    /// so a later run, or a request of this one that looked the ledger up already, is served them.
    /// </summary>
    /// <returns>Whether every one of them is stored (there is a project), or was taken.</returns>
    public async Task<bool> StoreAsync(IReadOnlyList<string> keys)
    {
        if (_setup.OpenAnswers is not { } open)
        {
            return keys.All(Taken);
        }

        // Only keys the ledger lacks: one stored meanwhile (a live call of a later run, another worker) is the answer
        // the outputs already used, with the op and entry that asked it, and stays.
        foreach (var group in keys.Where(key => !Taken(key)).GroupBy(ModelRequest.LedgerOf, StringComparer.Ordinal))
        {
            var ledger = await open(group.Key, CancellationToken.None).ConfigureAwait(false);
            foreach (var chunk in group.Chunk(LedgerLookups.MaxKeys))
            {
                var found = await ledger.TryGetManyAsync(chunk, CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < chunk.Length; i++)
                {
                    // A copy: a request may take the kept answer (and its broker change it) while this one is written.
                    if (found[i] is null && _unclaimed.TryGetValue(chunk[i], out var answer))
                    {
                        await ledger.AppendAsync(chunk[i], answer.DeepClone(), CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }

            await ledger.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Requests of an expired, cancelled or lost batch, or of a batch taken up that had no line for them: those answered
    /// meanwhile (kept here, or stored in the ledger by a live call, another worker or another batch, looked up in one
    /// batched read per ledger) get that answer; the rest are sent live under <see cref="CallMode.Auto"/>, else batched again.
    /// </summary>
    public async Task ResubmitAsync(IReadOnlyCollection<BatchWaiter> waiters)
    {
        var rest = new List<BatchWaiter>(waiters.Count);
        foreach (var waiter in waiters)
        {
            if (Claim(waiter.Request.Key) is { } kept)
            {
                waiter.Answered(kept);
            }
            else
            {
                rest.Add(waiter);
            }
        }

        try
        {
            rest = await UnstoredAsync(rest).ConfigureAwait(false);
        }
        catch (Exception ex) when (!Stopping.IsCancellationRequested)
        {
            foreach (var waiter in rest)
            {
                waiter.Failed(ex);
            }

            return;
        }

        var batched = false;
        foreach (var waiter in rest)
        {
            if (waiter.Request.Mode == CallMode.Auto)
            {
                AnswerLive([waiter]);
            }
            else
            {
                Lane(waiter.Request).Add(waiter);
                batched = true;
            }
        }

        if (batched && _draining)
        {
            Flush();
        }
    }

    // Serves the requests the project's ledgers hold an answer for, marked as made elsewhere (the broker counts them
    // served, as from the ledger); returns the others.
    private async Task<List<BatchWaiter>> UnstoredAsync(List<BatchWaiter> waiters)
    {
        if (_setup.OpenAnswers is not { } open || waiters.Count == 0)
        {
            return waiters;
        }

        var rest = new List<BatchWaiter>(waiters.Count);
        foreach (var group in waiters.GroupBy(w => ModelRequest.LedgerOf(w.Request.Key), StringComparer.Ordinal))
        {
            var ledger = await open(group.Key, Stopping).ConfigureAwait(false);
            foreach (var chunk in group.Chunk(LedgerLookups.MaxKeys))
            {
                var found = await ledger.TryGetManyAsync([.. chunk.Select(w => w.Request.Key)], Stopping).ConfigureAwait(false);
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (found[i] is JsonObject record)
                    {
                        var answer = AnswerRecord.Answer(record);
                        answer[ClaimedAnswers.ElsewhereMark] = true;
                        chunk[i].Answered(answer);
                    }
                    else
                    {
                        rest.Add(chunk[i]);
                    }
                }
            }
        }

        return rest;
    }
}
