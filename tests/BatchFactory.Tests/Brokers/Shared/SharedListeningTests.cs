using BatchFactory.Brokers;
using BatchFactory.Ledgers;
using BatchFactory.Tests.Support;
using Npgsql;

namespace BatchFactory.Tests.Brokers.Shared;

/// <summary>
/// The process's one listening connection per database: shared by the claim stores of every run, kept open for the
/// pools' linger after the last leaves, and opened anew after it breaks.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedListeningTests(PostgresServer postgres)
{
    [Fact]
    public async Task WatchAsync_TwoRunsOfTheProcessOnOneDatabase_ListenThroughOneConnection_ThatOutlivesThemByTheLinger()
    {
        var database = postgres.NewDatabase();
        var connection = new PostgresConnection(database) { PoolLinger = TimeSpan.FromSeconds(1) };
        await PrepareAsync(connection);

        var first = new ClaimStore(connection, "first/1", Options("a"));
        var second = new ClaimStore(connection, "second/1", Options("b"));
        await first.WatchAsync("k1", TestRuns.Token);
        await second.WatchAsync("k2", TestRuns.Token);
        Assert.Equal(1, await ListeningAsync(database));

        // Both gone: the connection waits a linger for the next run, which finds it listening, then closes.
        first.Dispose();
        second.Dispose();
        Assert.True(connection.AnswersListener.IsOpen);
        using (var third = new ClaimStore(connection, "third/1", Options("c")))
        {
            Assert.False((await third.WatchAsync("k3", TestRuns.Token)).IsCompleted);
            Assert.Equal(1, await ListeningAsync(database));
        }

        await Eventually.TrueAsync(() => !connection.AnswersListener.IsOpen, "the listening connection closes once its linger passes with no store");
        await Eventually.TrueAsync(async () => await ListeningAsync(database) == 0, "the server sees the listening connection gone");
    }

    [Fact]
    public async Task WaitAsync_ListeningConnectionBroken_WakesTheWaiterToLookAgain_AndTheNextWatchListensAnew()
    {
        var database = postgres.NewDatabase();
        var connection = new PostgresConnection(database);
        await PrepareAsync(connection);
        using var claims = new ClaimStore(connection, "p/1", Options("w", poll: TimeSpan.FromMinutes(1)));
        var watch = await claims.WatchAsync("k", TestRuns.Token);
        var waiting = claims.WaitAsync("k", watch, TimeSpan.FromMinutes(1), TestRuns.Token);

        await TerminateListenerAsync(database);

        // Woken with nothing told (look again), long before its minute of polling; watching again at once listens anew.
        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(30), TestRuns.Token));
        var next = await claims.WatchAsync("k", TestRuns.Token);
        await NotifyAsync(database, "p/1\nk");

        Assert.Null(await next.WaitAsync(TimeSpan.FromSeconds(30), TestRuns.Token));
    }

    private static SharingOptions Options(string worker, TimeSpan? poll = null) =>
        new() { WorkerName = worker, Heartbeat = null, PollInterval = poll ?? TimeSpan.FromMilliseconds(100) };

    private static async Task PrepareAsync(PostgresConnection connection)
    {
        await using var source = connection.CreateDataSource();
        await PostgresSchema.EnsureAsync(source, connection, TestRuns.Token);
    }

    // The server connections to this database that said LISTEN last.
    private static async Task<long> ListeningAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestRuns.Token);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'", connection);
        return (long)(await count.ExecuteScalarAsync(TestRuns.Token))!;
    }

    private static async Task NotifyAsync(string database, string payload)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestRuns.Token);
        await using var notify = new NpgsqlCommand($"SELECT pg_notify('{PostgresSchema.AnswersChannel}', $1)", connection);
        notify.Parameters.Add(new NpgsqlParameter { Value = payload });
        await notify.ExecuteNonQueryAsync(TestRuns.Token);
    }

    private static async Task TerminateListenerAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestRuns.Token);
        await using var terminate = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'", connection);
        Assert.Equal(1L, await terminate.ExecuteScalarAsync(TestRuns.Token));
    }
}
