namespace BatchFactory.Operators;

/// <summary>
/// The masters a collector holds while their children are out. The collector's output may end only when its inputs
/// have ended and every held master has been passed on: the last child of a group can be dropped (and its master
/// released) after the collector's inputs have ended, e.g. by an unwired port still draining.
/// </summary>
internal sealed class HeldMasters
{
    private readonly TaskCompletionSource _empty = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;
    private int _inputsDone;

    /// <summary>A master arrived whose children are not all back.</summary>
    public void Hold() => Interlocked.Increment(ref _held);

    /// <summary>A held master was passed on.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _held) == 0 && Volatile.Read(ref _inputsDone) == 1)
        {
            _empty.TrySetResult();
        }
    }

    /// <summary>
    /// Ends when <paramref name="inputsDone"/> has and no master is held any more; at once, and faulted like it, when the
    /// inputs failed or were cancelled (the held masters will not come).
    /// </summary>
    public async Task AfterAsync(Task inputsDone)
    {
        await inputsDone.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (inputsDone.IsCompletedSuccessfully)
        {
            Interlocked.Exchange(ref _inputsDone, 1);
            if (Volatile.Read(ref _held) == 0)
            {
                _empty.TrySetResult();
            }

            await _empty.Task.ConfigureAwait(false);
        }

        await inputsDone.ConfigureAwait(false);
    }
}
