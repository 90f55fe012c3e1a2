using System.Text;

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
    // error lines as failures; requests of an expired or cancelled batch with no line are submitted again.
    private async Task CollectAsync(BatchJob job, BatchInfo info)
    {
        var waiting = job.TakeWaiters();
        var claimed = true;
        foreach (var fileId in new[] { info.OutputFileId, info.ErrorFileId })
        {
            if (string.IsNullOrEmpty(fileId))
            {
                continue;
            }

            await using var stream = await api.DownloadAsync(fileId, owner.Stopping).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(owner.Stopping).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var (key, answer, error) = BatchLines.Read(Encoding.UTF8.GetBytes(line), Model.ToString(), job.Id);
                answer?.Add("batch", job.Id);
                if (waiting.Remove(key, out var waiter))
                {
                    if (answer is not null)
                    {
                        waiter.Answered(answer);
                    }
                    else
                    {
                        waiter.Failed(new BatchRequestException(error!));
                    }
                }
                else if (answer is not null)
                {
                    owner.Unclaimed(key, answer);
                    claimed = false;
                }
            }
        }

        foreach (var waiter in waiting.Values)
        {
            if (info.Status is "expired" or "cancelled")
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
