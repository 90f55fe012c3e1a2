using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>Polling a batch with backoff on the run's clock, and collecting its output and error files.</summary>
internal sealed partial class BatchLane
{
    /// <summary>Polls (or, when it is done, collects) a batch an earlier run recorded; its tokens are already counted in the budget if it was pending.</summary>
    public async Task ResumeAsync(BatchJob job)
    {
        try
        {
            var info = await api.GetAsync(job.Id, owner.Stopping).ConfigureAwait(false);
            await PollAsync(job, info, null, []).ConfigureAwait(false);
        }
        catch (BatchNotFoundException)
        {
            BatchAnswers.Lost(job);
            Release(job);
            var waiting = job.TakeWaiters();
            owner.Ended(job);
            await owner.RecordStatusAsync(job, "lost", collected: true).ConfigureAwait(false);
            await owner.ResubmitAsync(waiting.Values).ConfigureAwait(false);
        }
        catch (Exception ex) when (!owner.Stopping.IsCancellationRequested)
        {
            var waiting = job.TakeWaiters();
            if (waiting.Count == 0)
            {
                // No request of this run waits in it (it was taken up for the answers it holds): the summary says so.
                owner.Report.Warn($"Batch '{job.Id}' of {job.Model} could not be collected; a later run tries again ({ex.Message}).");
            }

            foreach (var waiter in waiting.Values)
            {
                waiter.Failed(ex);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Release(BatchJob job)
    {
        if (job.Reserved)
        {
            job.Reserved = false;
            budget.Release(job.Tokens);
        }
    }

    // handedOn gets the requests that, once the batch ended, were sent again (in another batch, or live).
    private async Task PollAsync(BatchJob job, BatchInfo info, string? path, HashSet<BatchWaiter> handedOn)
    {
        var interval = options.FirstPollInterval;
        var first = true;
        while (true)
        {
            job.Status = info.Status;
            job.Counts = (info.Completed, info.Failed);
            if (info.IsDone)
            {
                break;
            }

            if (!options.WaitForResults)
            {
                job.Park();
                return;
            }

            if (!first)
            {
                await Task.Delay(interval, owner.Time, owner.Stopping).ConfigureAwait(false);
                interval = interval * 2 > options.MaxPollInterval ? options.MaxPollInterval : interval * 2;
            }

            first = false;
            var next = await api.GetAsync(job.Id, owner.Stopping).ConfigureAwait(false);
            if (next.Status != info.Status)
            {
                await owner.RecordStatusAsync(job, next.Status, collected: false).ConfigureAwait(false);
            }

            info = next;
        }

        if (info is { Status: "failed", ErrorCode: "token_limit_exceeded" } && path is not null && File.Exists(path))
        {
            await owner.RecordStatusAsync(job, info.Status, collected: true).ConfigureAwait(false);
            await HalveAsync(job, path, handedOn).ConfigureAwait(false);
            return;
        }

        Release(job);
        owner.Finished(job);
        await CollectAsync(job, info, handedOn).ConfigureAwait(false);
        if (path is not null)
        {
            File.Delete(path);
        }
    }

    // Both files are read for every finished batch, a line at a time as they download: an answered line goes at once to
    // the request waiting for it, in this batch or another of the run (or is kept for one yet to come, and stored in the
    // ledger), error lines become failures; requests of an expired or cancelled batch with no line are submitted again
    // unless answered meanwhile. Attaching ends only after both files are read, and a request that attached meanwhile
    // takes its kept answer, so a request arriving during collection finds its answer.
    private async Task CollectAsync(BatchJob job, BatchInfo info, HashSet<BatchWaiter> handedOn)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var kept = new List<string>();
        var again = new List<BatchWaiter>();
        var model = Model.ToString();
        foreach (var fileId in new[] { info.OutputFileId, info.ErrorFileId })
        {
            if (string.IsNullOrEmpty(fileId))
            {
                continue;
            }

            var stream = await api.OpenReadAsync(fileId, owner.Stopping).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await BatchResultLines.ReadAsync(stream, line => Deliver(job, api.ReadResult(line, model, job.Id), errors, kept), owner.Stopping).ConfigureAwait(false);
            }
        }

        var waiting = job.TakeWaiters();
        foreach (var (key, waiter) in waiting)
        {
            if (owner.Claim(key) is { } answer)
            {
                waiter.Answered(answer);
            }
            else if (errors.TryGetValue(key, out var error))
            {
                waiter.Failed(new BatchRequestException(error));
            }
            else if (info.Status is "expired" or "cancelled" || job.Adopted)
            {
                // An adopted batch may not be the one its submission made (Anthropic's guess): what it lacks is sent again.
                again.Add(waiter);
            }
            else
            {
                waiter.Failed(new BatchRequestException(info.Status == "failed"
                    ? $"Batch '{job.Id}' of {Model} failed: {info.ErrorCode}: {info.ErrorMessage}"
                    : $"Batch '{job.Id}' of {Model} ended {info.Status} with no result line for the request."));
            }
        }

        owner.Ended(job);
        handedOn.UnionWith(again);
        await owner.ResubmitAsync(again).ConfigureAwait(false);

        // Collected once every answer reached a request of this run or the ledger (without a project, answers still
        // kept are for this run only).
        var collected = await owner.StoreAsync(kept).ConfigureAwait(false);
        await owner.RecordStatusAsync(job, info.Status, collected).ConfigureAwait(false);
    }

    // One result line: an answer to the request waiting for it here or in another batch, else kept for one that comes
    // (and stored); an error noted for later.
    private void Deliver(BatchJob job, (string Key, JsonObject? Answer, string? Error) result, Dictionary<string, string> errors, List<string> kept)
    {
        var (key, answer, error) = result;
        if (answer is null)
        {
            // Neither answer nor error: a request the batch did not get to (expired or cancelled), submitted again.
            if (error is not null)
            {
                errors[key] = error;
            }

            return;
        }

        answer.Add("batch", job.Id);
        if (job.TryTake(key) is { } waiter)
        {
            waiter.Answered(answer);
            return;
        }

        if (!owner.Unclaimed(job, key, answer))
        {
            kept.Add(key);
        }
    }
}
