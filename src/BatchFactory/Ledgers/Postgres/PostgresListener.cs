using Npgsql;

namespace BatchFactory.Ledgers;

/// <summary>
/// The one connection of a <see cref="PostgresConnection"/> that says <c>LISTEN</c> on a channel, shared by every
/// subscriber of the process (the claim stores of its runs), each of which gets every notification and picks its own.
/// It opens with the first subscriber that asks it to listen, and stays open <see cref="Linger"/> after the last
/// subscriber leaves, so that the next run of the process finds it listening: a new connection costs the server a
/// process, and a run its first watch's wait for it. When the connection breaks, every subscriber is told (it may have
/// missed a notification), and the next <see cref="ListenAsync"/> opens a new one.
/// </summary>
/// <param name="source">Makes the unpooled data source of the listening connection (a connection that listens is never pooled).</param>
/// <param name="channel">The channel listened on.</param>
/// <param name="linger">How long the connection stays open after the last subscriber leaves; zero closes it at once.</param>
internal sealed class PostgresListener(Func<NpgsqlDataSource> source, string channel, Func<TimeSpan> linger)
{
    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = [];
    private Subscriber[] _snapshot = [];
    private NpgsqlDataSource? _source;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    // The loop running now: a loop that ended marks itself ended only if it still is the one.
    private object? _generation;

    // Completes once the connection of _loop listens (or failed to).
    private Task _listened = Task.CompletedTask;
    private Timer? _closing;
    private int _round;

    // After a failed attempt to open the connection (a server refusing more connections), no other before this time:
    // the subscribers' waiters poll meanwhile instead of each trying again at once.
    private long _retryAfter;

    /// <summary>How long after a failed attempt to open the listening connection the next may start: one second.</summary>
    public static TimeSpan RetryDelay { get; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the connection stays open after the last subscriber leaves.</summary>
    public TimeSpan Linger => linger();

    /// <summary>Whether a connection is open or opening (for tests).</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _loop is not null;
            }
        }
    }

    /// <summary>
    /// Adds a subscriber: <paramref name="notified"/> gets the payload of every notification on the channel while it is
    /// subscribed, and <paramref name="lost"/> is called when the connection breaks or closes (notifications may have been
    /// missed). Dispose the result to leave. Opens nothing: <see cref="ListenAsync"/> does.
    /// </summary>
    public IDisposable Subscribe(Action<string> notified, Action lost)
    {
        var subscriber = new Subscriber(this, notified, lost);
        lock (_gate)
        {
            _subscribers.Add(subscriber);
            _snapshot = [.. _subscribers];
            _closing?.Dispose();
            _closing = null;
            _round++;
        }

        return subscriber;
    }

    /// <summary>
    /// Opens the listening connection unless it is open or opening (or an attempt failed less than <see cref="RetryDelay"/>
    /// ago); completes once it listens, or once it failed to: the caller's waiters then poll.
    /// </summary>
    public Task ListenAsync()
    {
        lock (_gate)
        {
            if (_loop is null && _subscribers.Count > 0 && Environment.TickCount64 >= _retryAfter)
            {
                var listened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _listened = listened.Task;
                _stop?.Dispose();
                _stop = new CancellationTokenSource();
                _source ??= source();
                var (data, stop, generation) = (_source, _stop.Token, new object());
                _generation = generation;

                // The loop outlives the run whose watch started it: it carries none of that flow's context (call scope, span).
                using (ExecutionContext.SuppressFlow())
                {
                    _loop = Task.Run(() => RunAsync(data, listened, generation, stop));
                }
            }

            return _listened;
        }
    }

    private void Leave(Subscriber subscriber)
    {
        int round;
        lock (_gate)
        {
            if (!_subscribers.Remove(subscriber))
            {
                return;
            }

            _snapshot = [.. _subscribers];
            if (_subscribers.Count > 0)
            {
                return;
            }

            round = ++_round;
            if (Linger > TimeSpan.Zero)
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _closing = new Timer(_ => CloseIfIdle(round), null, Linger, Timeout.InfiniteTimeSpan);
                }

                return;
            }
        }

        CloseIfIdle(round);
    }

    // Closes the connection if no subscriber came since the round of the last one leaving.
    private void CloseIfIdle(int round)
    {
        CancellationTokenSource? stop;
        NpgsqlDataSource? data;
        lock (_gate)
        {
            if (_subscribers.Count > 0 || _round != round)
            {
                return;
            }

            _closing?.Dispose();
            _closing = null;
            (stop, _stop, data, _source, _loop, _generation) = (_stop, null, _source, null, null, null);
        }

        try
        {
            stop?.Cancel();
        }
        finally
        {
            stop?.Dispose();
            data?.Dispose();
        }
    }

    private async Task RunAsync(NpgsqlDataSource data, TaskCompletionSource listened, object generation, CancellationToken stop)
    {
        NpgsqlConnection? connection = null;
        var listening = false;
        try
        {
            connection = await data.OpenConnectionAsync(stop).ConfigureAwait(false);
            connection.Notification += (_, e) =>
            {
                foreach (var subscriber in Volatile.Read(ref _snapshot))
                {
                    subscriber.Tell(e.Payload);
                }
            };
            await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
            {
                await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
            }

            listening = true;
            listened.TrySetResult();
            while (true)
            {
                await connection.WaitAsync(stop).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Closed, or the connection broke (whatever the error): whatever was announced meanwhile is missed. This loop is
            // marked ended first, so a subscriber told that watches again at once opens a new connection. A connection
            // that never listened missed nothing: its subscribers' waiters poll, and no other opens for a while.
            Subscriber[] told;
            lock (_gate)
            {
                if (ReferenceEquals(_generation, generation))
                {
                    (_loop, _generation) = (null, null);
                    if (!listening)
                    {
                        _retryAfter = Environment.TickCount64 + (long)RetryDelay.TotalMilliseconds;
                    }
                }

                told = listening ? _snapshot : [];
            }

            listened.TrySetResult();
            foreach (var subscriber in told)
            {
                subscriber.Lose();
            }
        }
        finally
        {
            listened.TrySetResult();
            if (connection is not null)
            {
                try
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or IOException or ObjectDisposedException)
                {
                    // A broken connection may fail to close cleanly; it is gone either way.
                }
            }
        }
    }

    private sealed class Subscriber(PostgresListener listener, Action<string> notified, Action lost) : IDisposable
    {
        public void Dispose() => listener.Leave(this);

        // A subscriber that throws misses what it was told; the others, and the connection, go on.
        public void Tell(string payload)
        {
            try
            {
                notified(payload);
            }
            catch (Exception)
            {
            }
        }

        public void Lose()
        {
            try
            {
                lost();
            }
            catch (Exception)
            {
            }
        }
    }
}
