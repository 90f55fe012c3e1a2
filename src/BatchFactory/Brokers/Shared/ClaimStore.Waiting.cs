using System.Collections.Concurrent;
using BatchFactory.Ledgers;
using Npgsql;

namespace BatchFactory.Brokers;

internal sealed partial class ClaimStore
{
    // Sets a key's answer apart from its key in a notification, and the answer from its ledger's number.
    private const char ToldSeparator = '\u0001';

    private readonly ConcurrentDictionary<string, TaskCompletionSource<ToldAnswer?>> _waiters = new(StringComparer.Ordinal);
    /// <summary>
    /// Starts watching <paramref name="key"/> for an answer or a release, before the caller looks at its claim, so that
    /// nothing announced in between is missed: it returns once the process's listening connection to the database
    /// listens (<see cref="PostgresConnection.AnswersListener"/>: open already when an earlier run of the process left it
    /// open; otherwise the first watch waits for it, since a notification sent before it listened would be missed, and
    /// its waiter would sleep until it polls). Pass the result to <see cref="WaitAsync"/>.
    /// </summary>
    public async ValueTask<Task<ToldAnswer?>> WatchAsync(string key, CancellationToken cancellationToken)
    {
        // Watching first: should the connection break before it listens, the watch is woken (look again).
        var watch = _waiters.GetOrAdd(key, _ => new TaskCompletionSource<ToldAnswer?>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        var listened = _connection.AnswersListener.ListenAsync();
        if (!listened.IsCompleted)
        {
            try
            {
                await listened.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Unwatch(key, watch);
                throw;
            }
        }

        return watch;
    }

    /// <summary>
    /// Waits until <paramref name="watch"/> fires (the key was answered or released), the other worker's lease
    /// (<paramref name="heldFor"/>) runs out, or <see cref="SharingOptions.PollInterval"/> passes, whichever is first;
    /// the caller then looks at the claim again, unless the notification carried the answer.
    /// </summary>
    /// <returns>The answer, when the notification carried it (one that fits in a notification); otherwise <see langword="null"/>: look at the claim again.</returns>
    public async Task<ToldAnswer?> WaitAsync(string key, Task<ToldAnswer?> watch, TimeSpan heldFor, CancellationToken cancellationToken)
    {
        var wait = heldFor < _options.PollInterval ? heldFor + TimeSpan.FromMilliseconds(5) : _options.PollInterval;
        try
        {
            return await watch.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            Unwatch(key, watch);
        }
    }

    /// <summary>Stops watching <paramref name="key"/> (the caller got the claim or the answer).</summary>
    public void Unwatch(string key, Task<ToldAnswer?> watch)
    {
        if (_waiters.TryGetValue(key, out var waiter) && waiter.Task == watch)
        {
            _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource<ToldAnswer?>>(key, waiter));
        }
    }

    // A notification's payload is the scope, then the keys answered or released, each after a line break; an answered
    // key small enough is followed by its ledger's number and its answer, each after ToldSeparator (JSON text has no raw
    // line breaks nor control characters).
    private void Wake(string payload)
    {
        var keys = payload.AsSpan();
        var split = keys.IndexOf('\n');
        if (split <= 0 || !keys[..split].SequenceEqual(_scope))
        {
            return;
        }

        var lookup = _waiters.GetAlternateLookup<ReadOnlySpan<char>>();
        var rest = keys[(split + 1)..];
        foreach (var range in rest.Split('\n'))
        {
            var item = rest[range];
            var told = item.IndexOf(ToldSeparator);
            if (lookup.TryRemove(told < 0 ? item : item[..told], out _, out var waiter))
            {
                waiter.TrySetResult(told < 0 ? null : Told(item[(told + 1)..]));
            }
        }
    }

    // "<ledger>\u0001<answer>", the ledger's number empty for none; null (look again) for anything else.
    private static ToldAnswer? Told(ReadOnlySpan<char> told)
    {
        var split = told.IndexOf(ToldSeparator);
        if (split < 0)
        {
            return null;
        }

        int? ledger = null;
        if (split > 0)
        {
            if (!int.TryParse(told[..split], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            ledger = number;
        }

        return new ToldAnswer(told[(split + 1)..].ToString(), ledger);
    }

    // The listening connection broke or closed: what was announced meanwhile is missed, so every waiter looks again.
    private void Lost()
    {
        foreach (var waiter in _waiters.Values)
        {
            waiter.TrySetResult(null);
        }
    }
}
