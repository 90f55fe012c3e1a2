namespace BatchFactory.Brokers;

/// <summary>Submitting a sealed file: live instead under <see cref="CallMode.Auto"/>, else under the token budget, recorded before it is polled, halved on <c>token_limit_exceeded</c>.</summary>
internal sealed partial class BatchLane
{
    private async Task SubmitAsync(BatchFile file)
    {
        var waiters = file.Waiters;
        try
        {
            if (file.AllAuto && waiters.Count < options.LiveBelow)
            {
                owner.AnswerLive(waiters);
                File.Delete(file.Path);
                return;
            }

            await budget.ReserveAsync(file.Tokens, owner.Stopping).ConfigureAwait(false);
            BatchJob job;
            BatchInfo info;
            try
            {
                var fileId = await api.UploadAsync(file.Path, owner.Stopping).ConfigureAwait(false);
                info = await api.CreateAsync(fileId, Endpoint, owner.Stopping).ConfigureAwait(false);
                job = new BatchJob(info.Id, Model, Endpoint, [.. waiters.Select(w => w.Request.Key)], file.Tokens, owner.Time.GetUtcNow()) { Reserved = true };
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

            await PollAsync(job, info, file.Path).ConfigureAwait(false);
        }
        catch (Exception ex) when (!owner.Stopping.IsCancellationRequested)
        {
            foreach (var waiter in waiters)
            {
                waiter.Failed(ex);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over: nobody waits any more.
        }
    }

    // The provider refused the batch for the enqueued-token limit: lower the budget and submit each half on its own.
    private async Task HalveAsync(BatchJob job, string path)
    {
        budget.Lower();
        Release(job);
        var waiting = job.TakeWaiters();
        File.Delete(path);
        var requests = job.Keys.Where(waiting.ContainsKey).Select(k => waiting[k]).ToList();
        if (requests.Count == 1)
        {
            requests[0].Failed(new InvalidOperationException($"Batch '{job.Id}' of {Model}: one request alone exceeds the provider's enqueued-token limit."));
            return;
        }

        var half = requests.Count / 2;
        var halves = new[] { requests[..half], requests[half..] }.Where(h => h.Count > 0).Select(Write).ToList();
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
                BatchLines.Write(_line, waiter.Request, api.ModelName);
                file.Add(waiter, _line.GetBuffer().AsSpan(0, (int)_line.Length), Estimate(waiter.Request));
            }

            file.Dispose();
            return file;
        }
    }
}
