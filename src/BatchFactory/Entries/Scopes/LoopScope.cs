namespace BatchFactory.Entries.Scopes;

/// <summary>
/// The entries inside one loop during one run. The loop ends (<paramref name="onDrained"/> runs, once) when no more
/// entries can come in (<see cref="InputDone"/>) and none is left inside. At most <paramref name="window"/> entries are
/// let in at a time, so a loop never holds more than a bounded number of entries however fast its input is.
/// </summary>
internal sealed class LoopScope(int window, Action onDrained) : Scope
{
    private int _alive;
    private int _inputDone;
    private int _drained;
    private TaskCompletionSource? _room;

    /// <summary>Entries inside the loop now.</summary>
    public int Alive => Volatile.Read(ref _alive);

    public override void Add(int delta)
    {
        var alive = Interlocked.Add(ref _alive, delta);
        if (delta < 0)
        {
            if (alive < window)
            {
                Interlocked.Exchange(ref _room, null)?.TrySetResult();
            }

            if (alive == 0)
            {
                TryDrain();
            }
        }
    }

    /// <summary>Waits until the loop has room, then counts one more entry in. Called by one caller at a time.</summary>
    public async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _alive) >= window)
        {
            var room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _room, room);
            if (Volatile.Read(ref _alive) < window)
            {
                break;
            }

            await room.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _alive);
    }

    /// <summary>Says that no more entries will come in from outside; the loop ends as soon as it is empty.</summary>
    public void InputDone()
    {
        Interlocked.Exchange(ref _inputDone, 1);
        TryDrain();
    }

    private void TryDrain()
    {
        if (Volatile.Read(ref _inputDone) == 1 && Volatile.Read(ref _alive) == 0 && Interlocked.Exchange(ref _drained, 1) == 0)
        {
            onDrained();
        }
    }
}
