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
            await PollAsync(job, info, null).ConfigureAwait(false);
        }
        catch (BatchNotFoundException)
        {
            BatchAnswers.Lost(job);
            Release(job);
            var waiting = job.TakeWaiters();
            await owner.RecordStatusAsync(job, "lost", collected: true).ConfigureAwait(false);
            foreach (var waiter in waiting.Values)
            {
                owner.Resubmit(waiter);
            }
        }
        catch (Exception ex) when (!owner.Stopping.IsCancellationRequested)
        {
            foreach (var waiter in job.TakeWaiters().Values)
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

    private async Task PollAsync(BatchJob job, BatchInfo info, string? path)
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
            await HalveAsync(job, path).ConfigureAwait(false);
            return;
        }

        Release(job);
        owner.Finished(job);
        await CollectAsync(job, info).ConfigureAwait(false);
        if (path is not null)
        {
            File.Delete(path);
        }
    }

    // Both files are read for every finished batch: answered lines to their waiters (or kept for requests yet to come),
    // error lines as failures; requests of an expired or cancelled batch with no line are submitted again. Answers are
    // offered before attaching ends, so a request arriving meanwhile finds its answer rather than a closed batch.
    private async Task CollectAsync(BatchJob job, BatchInfo info)
    {
        var answers = new List<(string Key, JsonObject Answer)>();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fileId in new[] { info.OutputFileId, info.ErrorFileId })
        {
            if (string.IsNullOrEmpty(fileId))
            {
                continue;
            }

            var content = await api.DownloadAsync(fileId, owner.Stopping).ConfigureAwait(false);
            for (var rest = content; !rest.IsEmpty;)
            {
                var end = rest.Span.IndexOf((byte)'\n');
                var line = end < 0 ? rest : rest[..end];
                rest = end < 0 ? ReadOnlyMemory<byte>.Empty : rest[(end + 1)..];
                if (line.Span.Trim((byte)'\r').IsEmpty)
                {
                    continue;
                }

                var (key, answer, error) = api.ReadResult(line.Span, Model.ToString(), job.Id);
                if (answer is null)
                {
                    if (error is not null)
                    {
                        errors[key] = error;
                    }

                    continue;
                }

                answer.Add("batch", job.Id);
                answers.Add((key, answer));
                owner.Unclaimed(key, answer);
            }
        }

        var waiting = job.TakeWaiters();
        var delivered = 0;
        foreach (var (key, _) in answers)
        {
            if (waiting.Remove(key, out var waiter) && owner.Claim(key) is { } answer)
            {
                waiter.Answered(answer);
                delivered++;
            }
        }

        foreach (var (key, error) in errors)
        {
            if (waiting.Remove(key, out var waiter))
            {
                waiter.Failed(new BatchRequestException(error));
            }
        }

        var claimed = delivered == answers.Count;
        foreach (var waiter in waiting.Values)
        {
            if (info.Status is "expired" or "cancelled" || job.Adopted)
            {
                owner.Resubmit(waiter);
            }
            else
            {
                waiter.Failed(new BatchRequestException(info.Status == "failed"
                    ? $"Batch '{job.Id}' of {Model} failed: {info.ErrorCode}: {info.ErrorMessage}"
                    : $"Batch '{job.Id}' of {Model} ended {info.Status} with no result line for the request."));
            }
        }

        await owner.RecordStatusAsync(job, info.Status, collected: claimed).ConfigureAwait(false);
    }
}
