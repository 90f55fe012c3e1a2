namespace BatchFactory.Ledgers;

/// <summary>
/// Group commit for a ledger's appends (and for the claims and answers of a shared run, whose items carry their own
/// results and whose writes never throw, so it is never faulted). Callers add items from any thread. The first caller to find no write under
/// way becomes the leader and writes everything pending as one batch, on its own thread; callers who arrive meanwhile
/// join the next batch and just wait for it (the leader needs no task to wait on), which a background writer takes over until nothing is pending. So
/// concurrent appends share one write, one transaction or one fsync, and a lone caller pays for exactly one, without
/// any thread hop. A caller's append completes once the batch holding its item is written.
/// </summary>
/// <remarks>After a batch fails, the group commit is faulted: that batch's callers and every later one get the error.</remarks>
internal sealed class GroupCommit<T> : IDisposable
{
    private readonly object _gate = new();
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Func<List<T>, ValueTask> _writeBatch;
    private readonly Func<Exception, Exception> _describeFault;
    private List<T> _pending = [];
    private List<T> _spare = [];
    private TaskCompletionSource? _pendingWritten;
    private long _enqueued;
    private long _written;
    private bool _writing;
    private Exception? _fault;

    /// <param name="writeBatch">Writes one batch; throwing faults the group commit.</param>
    /// <param name="describeFault">Turns a write error into the exception callers see.</param>
    public GroupCommit(Func<List<T>, ValueTask> writeBatch, Func<Exception, Exception> describeFault)
    {
        _writeBatch = writeBatch;
        _describeFault = describeFault;
    }

    /// <summary>Adds an item and waits until it is written. Cancelling stops the wait; the item is still written.</summary>
    public ValueTask AddAsync(T item, CancellationToken cancellationToken)
    {
        long ticket;
        TaskCompletionSource? written = null;
        lock (_gate)
        {
            ThrowIfFaulted();
            _pending.Add(item);
            ticket = ++_enqueued;
            if (_writing)
            {
                written = _pendingWritten ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _writing = true;
        }

        return written is null ? LeadAsync(ticket, cancellationToken) : new ValueTask(written.Task.WaitAsync(cancellationToken));
    }

    /// <summary>Writes whatever is pending, then runs <paramref name="action"/> while no batch can be written.</summary>
    public async ValueTask<TResult> ExclusiveAsync<TResult>(Func<ValueTask<TResult>> action, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFaulted();
            await WriteOnceAsync().ConfigureAwait(false);
            ThrowIfFaulted();
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Throws the group commit's fault, if a batch failed.</summary>
    public void ThrowIfFaulted()
    {
        if (Volatile.Read(ref _fault) is { } fault)
        {
            throw _describeFault(fault);
        }
    }

    /// <summary>Nothing to release: the turn is never exposed as a wait handle, and a late background writer may still hold it.</summary>
    public void Dispose()
    {
    }

    // The leader writes the batch holding its own item, then leaves anything that arrived meanwhile to a background writer.
    private async ValueTask LeadAsync(long ticket, CancellationToken cancellationToken)
    {
        try
        {
            await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The caller stops waiting; a background writer still writes the item.
            _ = Task.Run(DrainAsync, CancellationToken.None);
            throw;
        }

        try
        {
            await WriteOnceAsync().ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }

        if (!StopIfIdle())
        {
            _ = Task.Run(DrainAsync);
        }

        if (Volatile.Read(ref _written) < ticket)
        {
            ThrowIfFaulted();
        }
    }

    private async Task DrainAsync()
    {
        do
        {
            await _turn.WaitAsync().ConfigureAwait(false);
            try
            {
                await WriteOnceAsync().ConfigureAwait(false);
            }
            finally
            {
                _turn.Release();
            }
        }
        while (!StopIfIdle());
    }

    // Whether nothing is pending; if so, the next caller becomes the leader.
    private bool StopIfIdle()
    {
        lock (_gate)
        {
            if (_pending.Count > 0)
            {
                return false;
            }

            _writing = false;
            return true;
        }
    }

    // Called with the turn held. A failure faults the group commit and the batch's callers; it is not thrown here.
    private async ValueTask WriteOnceAsync()
    {
        List<T> batch;
        TaskCompletionSource? written;
        long upTo;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            written = _pendingWritten;
            upTo = _enqueued;
            _pending = _spare;
            _pendingWritten = null;
        }

        if (Volatile.Read(ref _fault) is { } earlier)
        {
            batch.Clear();
            _spare = batch;
            written?.TrySetException(_describeFault(earlier));
            return;
        }

        try
        {
            await _writeBatch(batch).ConfigureAwait(false);
            Volatile.Write(ref _written, upTo);
            written?.TrySetResult();
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _fault, ex);
            written?.TrySetException(_describeFault(ex));
        }
        finally
        {
            batch.Clear();
            _spare = batch;
        }
    }
}
