namespace BatchFactory.Brokers;

/// <summary>
/// The request a model client is working on, carried along the async flow of the call, so that a retry deep inside a
/// client shared by every op of the run can say which op, entry and request it is for.
/// </summary>
internal sealed record CallScope(CallSite Site, string Idx, ModelRequest Request)
{
    private static readonly AsyncLocal<CallScope?> s_current = new();
    private Action? _onSending;
    private long _queuedTicks;

    public static CallScope? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    /// <summary>
    /// What to do once the request is really sent from this process, for a source that says so itself
    /// (<see cref="IAnswerSource.SaysWhenSent"/>); run at most once by <see cref="Sending"/>.
    /// </summary>
    public Action? OnSending
    {
        get => _onSending;
        set => _onSending = value;
    }

    /// <summary>The request is being sent from this process now (not answered by another worker): runs <see cref="OnSending"/> once.</summary>
    public void Sending() => Interlocked.Exchange(ref _onSending, null)?.Invoke();

    /// <summary>
    /// How long this call may be held back by a rate limit before it gives up, so that its fallback chain goes on to the
    /// next member: a 429's <c>Retry-After</c>, or the model's cool-down after one, longer than this is not waited for
    /// (a 429 without <c>Retry-After</c> is retried after the usual backoff); <see langword="null"/> when only the retry
    /// options bound it.
    /// </summary>
    public TimeSpan? MaxWait { get; init; }

    /// <summary>How long the request has waited so far, over all its attempts, before going out: for a concurrency slot, a rate limit or a cool-down.</summary>
    public TimeSpan QueueTime => TimeSpan.FromTicks(Interlocked.Read(ref _queuedTicks));

    /// <summary>The call was held back by a cool-down or a rate limit for <paramref name="time"/>: counted for its op, and as queue time.</summary>
    public void Waited(TimeSpan time)
    {
        Site.Counters.Waited(time);
        Queued(time);
    }

    /// <summary>The call waited <paramref name="time"/> for a slot among the calls in flight (of the model, or of a pool's server): queue time only.</summary>
    public void Queued(TimeSpan time) => Interlocked.Add(ref _queuedTicks, time.Ticks);
}
