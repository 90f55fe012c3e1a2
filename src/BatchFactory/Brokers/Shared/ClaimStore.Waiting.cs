using System.Collections.Concurrent;
using BatchFactory.Ledgers;
using Npgsql;

namespace BatchFactory.Brokers;

internal sealed partial class ClaimStore
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly Lock _listenGate = new();
    private Task? _listening;

    /// <summary>
    /// Starts watching <paramref name="key"/> for an answer or a release, before the caller looks at its claim, so that
    /// nothing announced in between is missed. Pass the result to <see cref="WaitAsync"/>.
    /// </summary>
    public Task Watch(string key)
    {
        EnsureListening();
        return _waiters.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    /// <summary>
    /// Waits until <paramref name="watch"/> fires (the key was answered or released), the other worker's lease
    /// (<paramref name="heldFor"/>) runs out, or <see cref="SharingOptions.PollInterval"/> passes, whichever is first;
    /// the caller then looks at the claim again.
    /// </summary>
    public async Task WaitAsync(string key, Task watch, TimeSpan heldFor, CancellationToken cancellationToken)
    {
        var wait = heldFor < _options.PollInterval ? heldFor + TimeSpan.FromMilliseconds(5) : _options.PollInterval;
        try
        {
            await watch.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            Unwatch(key, watch);
        }
    }

    /// <summary>Stops watching <paramref name="key"/> (the caller got the claim or the answer).</summary>
    public void Unwatch(string key, Task watch)
    {
        if (_waiters.TryGetValue(key, out var waiter) && waiter.Task == watch)
        {
            _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource>(key, waiter));
        }
    }

    // A notification's payload is the scope, then the keys answered or released, each after a line break.
    private void Wake(string payload)
    {
        var keys = payload.AsSpan();
        var split = keys.IndexOf('\n');
        if (split <= 0 || !keys[..split].SequenceEqual(_scope))
        {
            return;
        }

        var lookup = _waiters.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var range in keys[(split + 1)..].Split('\n'))
        {
            if (lookup.TryRemove(keys[(split + 1)..][range], out _, out var waiter))
            {
                waiter.TrySetResult();
            }
        }
    }

    private void EnsureListening()
    {
        lock (_listenGate)
        {
            if (_listening is null or { IsCompleted: true } && !_stop.IsCancellationRequested)
            {
                _listening = Task.Run(ListenAsync);
            }
        }
    }

    // One connection LISTENs for the whole process; if it fails, waiters fall back to polling until the next watch reopens it.
    private async Task ListenAsync()
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _listenSource.OpenConnectionAsync(_stop.Token).ConfigureAwait(false);
            connection.Notification += (_, e) => Wake(e.Payload);
            await using (var listen = new NpgsqlCommand($"LISTEN {PostgresSchema.AnswersChannel}", connection))
            {
                await listen.ExecuteNonQueryAsync(_stop.Token).ConfigureAwait(false);
            }

            while (true)
            {
                await connection.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped, or the connection broke: waiters poll, and the next watch listens again.
            foreach (var waiter in _waiters.Values)
            {
                waiter.TrySetResult();
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
