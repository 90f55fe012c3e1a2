namespace BatchFactory.Ledgers;

/// <summary>
/// Group commit for a ledger's appends. Callers add items from any thread; whoever then holds the writer turn (the
/// leader) writes everything pending as one batch, so concurrent appends share one write, one transaction or one fsync,
/// while a lone caller pays for exactly one. A caller's append completes once a batch holding its item is written.
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
    private long _enqueued;
    private long _written;
    private Exception? _fault;

    /// <param name="writeBatch">Writes one batch; throwing faults the group commit.</param>
    /// <param name="describeFault">Turns a write error into the exception callers see.</param>
    public GroupCommit(Func<List<T>, ValueTask> writeBatch, Func<Exception, Exception> describeFault)
    {
        _writeBatch = writeBatch;
        _describeFault = describeFault;
    }

    /// <summary>Adds an item and waits until it is written.</summary>
    public async ValueTask AddAsync(T item, CancellationToken cancellationToken)
    {
        long ticket;
        lock (_gate)
        {
            ThrowIfFaulted();
            _pending.Add(item);
            ticket = ++_enqueued;
        }

        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _written) < ticket)
            {
                await WritePendingAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Writes whatever is pending, then runs <paramref name="action"/> while no batch can be written.</summary>
    public async ValueTask<TResult> ExclusiveAsync<TResult>(Func<ValueTask<TResult>> action, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WritePendingAsync().ConfigureAwait(false);
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

    public void Dispose() => _turn.Dispose();

    // Called with the turn held.
    private async ValueTask WritePendingAsync()
    {
        ThrowIfFaulted();
        List<T> batch;
        long upTo;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            _pending = _spare;
            upTo = _enqueued;
        }

        try
        {
            await _writeBatch(batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _fault, ex);
            throw _describeFault(ex);
        }
        finally
        {
            batch.Clear();
            _spare = batch;
        }

        Volatile.Write(ref _written, upTo);
    }
}
