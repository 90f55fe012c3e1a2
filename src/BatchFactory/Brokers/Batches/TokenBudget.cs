namespace BatchFactory.Brokers;

/// <summary>
/// One model's enqueued-token budget: the estimated tokens of its batches not yet finished stay at or under the limit.
/// A batch waits for room; one alone may always go (files are cut to fit the limit). The limit only ever goes down.
/// </summary>
internal sealed class TokenBudget(long? limit)
{
    private readonly Lock _lock = new();
    private readonly List<(long Tokens, TaskCompletionSource Room)> _waiting = [];
    private long? _limit = limit;
    private long _enqueued;

    /// <summary>The limit now; <see langword="null"/> for none.</summary>
    public long? Limit
    {
        get
        {
            lock (_lock)
            {
                return _limit;
            }
        }
    }

    /// <summary>Waits until <paramref name="tokens"/> fit, then counts them as enqueued.</summary>
    public Task ReserveAsync(long tokens, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_waiting.Count == 0 && Fits(tokens))
            {
                _enqueued += tokens;
                return Task.CompletedTask;
            }

            var room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((tokens, room));
            return room.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Counts tokens enqueued before the run (a recorded batch still pending), whatever the limit.</summary>
    public void Add(long tokens)
    {
        lock (_lock)
        {
            _enqueued += tokens;
        }
    }

    /// <summary>A batch finished (or was rejected): its tokens leave the budget, and waiting batches that now fit go.</summary>
    public void Release(long tokens)
    {
        lock (_lock)
        {
            _enqueued -= tokens;
            Admit();
        }
    }

    /// <summary>The provider rejected a batch for its limit (its tokens still counted): the limit becomes at most half of what was enqueued with it.</summary>
    public void Lower()
    {
        lock (_lock)
        {
            var lowered = Math.Max(1, _enqueued / 2);
            _limit = _limit is { } old ? Math.Min(old, lowered) : lowered;
        }
    }

    private bool Fits(long tokens) => _limit is not { } limit || _enqueued == 0 || _enqueued + tokens <= limit;

    private void Admit()
    {
        while (_waiting.Count > 0 && Fits(_waiting[0].Tokens))
        {
            var (tokens, room) = _waiting[0];
            _waiting.RemoveAt(0);
            _enqueued += tokens;
            room.TrySetResult();
        }
    }
}
