namespace BatchFactory.Brokers;

/// <summary>Submitting a sealed file: live instead under <see cref="CallMode.Auto"/>, else under the token budget, recorded before it is polled, halved on <c>token_limit_exceeded</c>.</summary>
internal sealed partial class BatchLane
{
    private async Task SubmitAsync(BatchFile file)
    {
        var waiters = file.Waiters;

        // Requests sent again once the batch ended (in another batch, or live) are no longer this file's to fail.
        var handedOn = new HashSet<BatchWaiter>();
        try
        {
            if (file.AllAuto && waiters.Count < options.LiveBelow)
            {
                owner.AnswerLive(waiters);
                File.Delete(file.Path);
                return;
            }

            await budget.ReserveAsync(file.Tokens, owner.Stopping).ConfigureAwait(false);
            BatchFile? rest;
            try
            {
                rest = Unanswered(file);
            }
            catch
            {
                budget.Release(file.Tokens);
                throw;
            }

            if (rest is null)
            {
                budget.Release(file.Tokens);
                return;
            }

            if (rest != file)
            {
                budget.Release(file.Tokens - rest.Tokens);
                file = rest;
                waiters = rest.Waiters;
            }

            BatchJob job;
            BatchInfo info;
            try
            {
                // The submission is recorded before the batch is created, so a process dying before the batch is
                // recorded leaves a trace the next run finds the batch by (see BatchAnswers.AdoptAsync).
                var submission = new BatchJob(Guid.NewGuid().ToString("N"), Model, Endpoint, [.. waiters.Select(w => w.Request.Key)], file.Tokens, owner.Time.GetUtcNow());
                await owner.RecordSubmissionAsync(submission, file.Path).ConfigureAwait(false);
                info = await SubmitOrFindAsync(file.Path, submission).ConfigureAwait(false);
                job = new BatchJob(info.Id, Model, Endpoint, submission.Keys, file.Tokens, submission.Submitted) { Reserved = true, Submission = submission.Id };
                foreach (var waiter in waiters)
                {
                    job.TryAttach(waiter);
                }

                await owner.RecordAsync(job, file.Path, info).ConfigureAwait(false);
            }
            catch
            {
                budget.Release(file.Tokens);
                throw;
            }

            await PollAsync(job, info, file.Path, handedOn).ConfigureAwait(false);
        }
        catch (Exception ex) when (!owner.Stopping.IsCancellationRequested)
        {
            var failing = waiters.Where(w => !handedOn.Contains(w) && !w.Task.IsCompleted).ToList();
            if (failing.Count == 0)
            {
                // Every request was answered or sent again: only the batch's own record failed, which a later run sees.
                owner.Report.Warn($"A batch of {Model} could not be finished; its requests were answered or sent again ({ex.Message}).");
            }

            foreach (var waiter in failing)
            {
                waiter.Failed(ex);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over: nobody waits any more.
        }
    }

    // The create call is never retried (a retry after a timeout could make a second paid batch). One that failed without
    // saying whether the batch was made (timeout, 5xx, dropped connection) is looked for before the requests fail: found,
    // it is taken up; not found, the failure stands (and the submission stays for a later run to look for again).
    private async Task<BatchInfo> SubmitOrFindAsync(string path, BatchJob submission)
    {
        try
        {
            return await api.SubmitAsync(path, Endpoint, submission.Id, owner.Stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (UnclearFailure.Is(ex, owner.Stopping) && !owner.Stopping.IsCancellationRequested)
        {
            if (await api.FindAsync(submission.Id, submission.Keys.Count, submission.Submitted, owner.KnownBatchIds(), owner.Stopping).ConfigureAwait(false) is not { } found)
            {
                throw;
            }

            return found;
        }
    }

    // The file without the requests answered while it was open or waited for the budget (by a line of another batch of
    // the run, kept for them): the same file when none was, null when all were.
    private BatchFile? Unanswered(BatchFile file)
    {
        var answered = 0;
        foreach (var waiter in file.Waiters)
        {
            if (!waiter.Task.IsCompleted && owner.Claim(waiter.Request.Key) is { } answer)
            {
                waiter.Answered(answer);
            }

            answered += waiter.Task.IsCompleted ? 1 : 0;
        }

        if (answered == 0)
        {
            return file;
        }

        File.Delete(file.Path);
        return answered == file.Waiters.Count ? null : Write([.. file.Waiters.Where(w => !w.Task.IsCompleted)]);
    }

    // The provider refused the batch for the enqueued-token limit: lower the budget and submit each half on its own.
    private async Task HalveAsync(BatchJob job, string path, HashSet<BatchWaiter> handedOn)
    {
        budget.Lower();
        Release(job);
        var waiting = job.TakeWaiters();
        owner.Ended(job);
        File.Delete(path);
        var requests = job.Keys.Where(waiting.ContainsKey).Select(k => waiting[k]).ToList();
        if (requests.Count == 1)
        {
            requests[0].Failed(new InvalidOperationException($"Batch '{job.Id}' of {Model}: one request alone exceeds the provider's enqueued-token limit."));
            return;
        }

        var half = requests.Count / 2;
        var halves = new[] { requests[..half], requests[half..] }.Where(h => h.Count > 0).Select(Write).ToList();
        handedOn.UnionWith(requests);
        await Task.WhenAll(halves.Select(SubmitAsync)).ConfigureAwait(false);
    }

    private BatchFile Write(List<BatchWaiter> waiters)
    {
        lock (_lock)
        {
            var file = new BatchFile(owner.NewFilePath(Model, Interlocked.Increment(ref _files)));
            foreach (var waiter in waiters)
            {
                _line.SetLength(0);
                api.WriteRequest(_line, waiter.Request);
                file.Add(waiter, _line.GetBuffer().AsSpan(0, (int)_line.Length), Estimate(waiter.Request));
            }

            file.Dispose();
            return file;
        }
    }
}
