using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Ledgers;
using BatchFactory.Tests.Support;
using Npgsql;

namespace BatchFactory.Tests.Brokers.Shared;

/// <summary>
/// The claims and answers many callers of one worker's <see cref="ClaimStore"/> ask at once, which go to PostgreSQL
/// together (one statement per batch): each request still goes to one worker, fencing and release still hold per key.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClaimBatchTests(PostgresServer postgres)
{
    private static readonly ModelSpec Model = ModelSpec.Parse("m@offline");

    [Fact]
    public async Task TryClaimAsync_TwoWorkersClaimTheSameKeysAtOnceEachTwice_EveryKeyHasExactlyOneToken()
    {
        var connection = await PreparedAsync();
        using var first = new ClaimStore(connection, "p/1", Options("first"));
        using var second = new ClaimStore(connection, "p/1", Options("second"));
        var keys = Enumerable.Range(0, 200).Select(i => $"key-{i}").ToArray();

        var asks = keys.SelectMany(key => new[] { first, first, second, second }.Select(async store => (key, await store.TryClaimAsync(key, TestRuns.Token))));
        var claims = await Task.WhenAll(asks);

        foreach (var byKey in claims.GroupBy(c => c.key))
        {
            Assert.Single(byKey, c => c.Item2.Token is not null);
            Assert.All(byKey.Where(c => c.Item2.Token is null), c => Assert.True(c.Item2.HeldFor > TimeSpan.Zero));
        }
    }

    [Fact]
    public async Task AnswerAsync_TwoWorkersAskTheSameHundredRequestsAtOnce_EachIsSentOnceAndBothGetItsAnswer()
    {
        var connection = await PreparedAsync();
        using var firstClaims = new ClaimStore(connection, "p/1", Options("first"));
        using var secondClaims = new ClaimStore(connection, "p/1", Options("second"));
        var calls = new ConcurrentDictionary<string, int>();
        var first = new ClaimedAnswers(new CountingSource("first", calls), firstClaims);
        var second = new ClaimedAnswers(new CountingSource("second", calls), secondClaims);
        var requests = Enumerable.Range(0, 100).Select(i => (ModelRequest)new EmbeddingCall($"text {i}", Model)).ToArray();

        var firstAnswers = Task.WhenAll(requests.Select(r => first.AnswerAsync(r, TestRuns.Token)));
        var secondAnswers = Task.WhenAll(requests.Select(r => second.AnswerAsync(r, TestRuns.Token)));

        Assert.Equal((await firstAnswers).Select(By), (await secondAnswers).Select(By));
        Assert.Equal(requests.Length, calls.Count);
        Assert.All(calls.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task CompleteAsync_OneClaimOfABatchWasTakenOver_OnlyItsLateAnswerIsRefused()
    {
        var (connection, database) = await PreparedWithDatabaseAsync();
        using var stalled = new ClaimStore(connection, "p/1", Options("stalled"));
        using var taker = new ClaimStore(connection, "p/1", Options("taker"));
        var keys = Enumerable.Range(0, 10).Select(i => $"key-{i}").ToArray();
        var tokens = await Task.WhenAll(keys.Select(async key => (await stalled.TryClaimAsync(key, TestRuns.Token)).Token!.Value));
        await ExpireAsync(database, keys[3]);
        var takenOver = (await taker.TryClaimAsync(keys[3], TestRuns.Token)).Token!.Value;

        var stored = await Task.WhenAll(keys.Select((key, i) => stalled.CompleteAsync(key, tokens[i], Answer("stalled"), TestRuns.Token)));
        Assert.True(await taker.CompleteAsync(keys[3], takenOver, Answer("taker"), TestRuns.Token));

        Assert.Equal(keys.Select((_, i) => i != 3), stored);
        Assert.Equal("taker", await StoredByAsync(taker, keys[3]));
        Assert.All(await Task.WhenAll(keys.Where((_, i) => i != 3).Select(key => StoredByAsync(taker, key))), by => Assert.Equal("stalled", by));
    }

    [Fact]
    public async Task AnswerAsync_OneCallAmongManyFails_ReleasesOnlyItsClaim()
    {
        var connection = await PreparedAsync();
        using var claims = new ClaimStore(connection, "p/1", Options("one"));
        using var otherClaims = new ClaimStore(connection, "p/1", Options("other"));
        var requests = Enumerable.Range(0, 10).Select(i => (ModelRequest)new EmbeddingCall($"text {i}", Model)).ToArray();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new CountingSource("one", new ConcurrentDictionary<string, int>()) { Gate = gate.Task, FailsOn = requests[3].Key };
        var answers = requests.Select(r => new ClaimedAnswers(source, claims).AnswerAsync(r, TestRuns.Token)).ToArray();

        await Assert.ThrowsAsync<InvalidOperationException>(() => answers[3]);
        var failedKey = await otherClaims.TryClaimAsync(requests[3].Key, TestRuns.Token);
        var stillHeld = await otherClaims.TryClaimAsync(requests[4].Key, TestRuns.Token);
        gate.SetResult();
        await Task.WhenAll(answers.Where((_, i) => i != 3));

        Assert.NotNull(failedKey.Token);
        Assert.Null(stillHeld.Token);
        Assert.Null(stillHeld.Answer);
        Assert.Equal("one", await StoredByAsync(otherClaims, requests[4].Key));
    }

    [Fact]
    public async Task CompleteAsync_ManyLongKeysAnsweredAtOnce_WakesTheOtherWorkerForEveryKey()
    {
        var (connection, database) = await PreparedWithDatabaseAsync();
        using var answering = new ClaimStore(connection, "p/1", Options("answering"));
        using var waiting = new ClaimStore(connection, "p/1", Options("waiting"));

        // 40 keys of 600 characters: more than one notification's 8,000 bytes, so the answers are announced in several.
        var keys = Enumerable.Range(0, 40).Select(i => $"{i}-" + new string('k', 600)).ToArray();
        var tokens = await Task.WhenAll(keys.Select(async key => (await answering.TryClaimAsync(key, TestRuns.Token)).Token!.Value));
        var watches = await Task.WhenAll(keys.Select(key => waiting.WatchAsync(key, TestRuns.Token).AsTask()));

        var stored = await Task.WhenAll(keys.Select((key, i) => answering.CompleteAsync(key, tokens[i], Answer("answering"), TestRuns.Token)));

        Assert.All(stored, Assert.True);
        await Task.WhenAll(watches).WaitAsync(TimeSpan.FromMinutes(1), TestRuns.Token);
    }

    [Fact]
    public async Task CompleteAsync_TheSameClaimAnsweredAgain_CountsAsStored_AndKeepsTheFirstAnswer()
    {
        // What a statement run again after a failure that had in fact committed meets.
        var connection = await PreparedAsync();
        using var claims = new ClaimStore(connection, "p/1", Options("first"));
        var token = (await claims.TryClaimAsync("k", TestRuns.Token)).Token!.Value;

        Assert.True(await claims.CompleteAsync("k", token, Answer("once"), TestRuns.Token));
        Assert.True(await claims.CompleteAsync("k", token, Answer("again"), TestRuns.Token));

        Assert.Equal("once", await StoredByAsync(claims, "k"));
        Assert.False(await claims.CompleteAsync("k", token + 1000, Answer("stranger"), TestRuns.Token));
    }

    [Fact]
    public async Task TryClaimAsync_CancelledWhileItsStatementRuns_GivesTheClaimItTookBack()
    {
        var (connection, database) = await PreparedWithDatabaseAsync();
        using var first = new ClaimStore(connection, "p/1", Options("first"));
        using var second = new ClaimStore(connection, "p/1", Options("second"));
        Assert.NotNull((await first.TryClaimAsync("k", TestRuns.Token)).Token);
        await ExpireAsync(database, "k");

        // Another session locks the expired claim's row, so the second worker's claim statement waits for it.
        await using var rowLock = await RowLock.TakeAsync(database, "k");

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        var claiming = second.TryClaimAsync("k", cancel.Token);
        await WaitingForALockAsync(database);
        await cancel.CancelAsync();
        await rowLock.ReleaseAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => claiming);
        Assert.Null(second.HeldToken("k"));
        // The claim the statement took over was given back: the first worker takes it at once.
        Assert.NotNull((await first.TryClaimAsync("k", TestRuns.Token)).Token);
    }

    [Fact]
    public async Task TryClaimAsync_AnsweredKeyLockedByAnotherSession_ReturnsTheAnswerWithoutWaitingForTheLock()
    {
        var (connection, database) = await PreparedWithDatabaseAsync();
        using var first = new ClaimStore(connection, "p/1", Options("first"));
        using var second = new ClaimStore(connection, "p/1", Options("second"));
        var token = (await first.TryClaimAsync("k", TestRuns.Token)).Token!.Value;
        Assert.True(await first.CompleteAsync("k", token, Answer("first"), TestRuns.Token));

        // Another session holds the answered claim's row lock: asking for the answer only reads it.
        await using var rowLock = await RowLock.TakeAsync(database, "k");

        var claim = await second.TryClaimAsync("k", TestRuns.Token).WaitAsync(TimeSpan.FromSeconds(30), TestRuns.Token);

        Assert.Equal("first", JsonNode.Parse(claim.Answer!)!["by"]!.GetValue<string>());
        Assert.Null(claim.Token);
    }

    [Fact]
    public async Task TryClaimAsync_HeldKeyLockedByAnotherSession_SaysItIsHeldWithoutWaitingForTheLock()
    {
        var (connection, database) = await PreparedWithDatabaseAsync();
        using var first = new ClaimStore(connection, "p/1", Options("first"));
        using var second = new ClaimStore(connection, "p/1", Options("second"));
        Assert.NotNull((await first.TryClaimAsync("k", TestRuns.Token)).Token);

        await using var rowLock = await RowLock.TakeAsync(database, "k");

        var claim = await second.TryClaimAsync("k", TestRuns.Token).WaitAsync(TimeSpan.FromSeconds(30), TestRuns.Token);

        Assert.Null(claim.Token);
        Assert.Null(claim.Answer);
        Assert.True(claim.HeldFor > TimeSpan.Zero);
    }

    [Fact]
    public async Task WaitAsync_AnotherWorkerStoresTheAnswerWithItsRecord_TheNotificationCarriesBothToTheWaiter()
    {
        var (connection, database) = await PreparedWithDatabaseAsync();
        await using var ledger = await PostgresLedger.OpenAsync(connection, new LedgerLocation("p", "1", "llm", Path.GetTempPath()), new LedgerOptions(), TestRuns.Token);
        using var answering = new ClaimStore(connection, "p/1", Options("answering"));
        using var waiting = new ClaimStore(connection, "p/1", Options("waiting", poll: TimeSpan.FromMinutes(5)));
        var token = (await answering.TryClaimAsync("k", TestRuns.Token)).Token!.Value;
        var watch = await waiting.WatchAsync("k", TestRuns.Token);

        Assert.True(await answering.CompleteAsync("k", token, Answer("answering"), ledger, """{"by":"answering","asked":{}}""", TestRuns.Token));
        var told = await waiting.WaitAsync("k", watch, TimeSpan.FromMinutes(5), TestRuns.Token).WaitAsync(TimeSpan.FromMinutes(1), TestRuns.Token);

        Assert.Equal("answering", JsonNode.Parse(told!.Answer)!["by"]!.GetValue<string>());
        Assert.Equal(ledger.Id, told.Ledger);
    }

    [Fact]
    public async Task WaitAsync_AnswerTooLargeForANotification_WakesTheWaiterToLookAgain()
    {
        var (connection, database) = await PreparedWithDatabaseAsync();
        using var answering = new ClaimStore(connection, "p/1", Options("answering"));
        using var waiting = new ClaimStore(connection, "p/1", Options("waiting", poll: TimeSpan.FromMinutes(5)));
        var token = (await answering.TryClaimAsync("k", TestRuns.Token)).Token!.Value;
        var watch = await waiting.WatchAsync("k", TestRuns.Token);
        var large = new JsonObject { ["by"] = "answering", ["text"] = new string('x', 10_000) }.ToJsonString();

        Assert.True(await answering.CompleteAsync("k", token, large, TestRuns.Token));
        var told = await waiting.WaitAsync("k", watch, TimeSpan.FromMinutes(5), TestRuns.Token).WaitAsync(TimeSpan.FromMinutes(1), TestRuns.Token);

        Assert.Null(told);
        Assert.Equal(large, (await waiting.TryClaimAsync("k", TestRuns.Token)).Answer);
    }

    private static SharingOptions Options(string worker, TimeSpan? poll = null) =>
        new() { WorkerName = worker, Heartbeat = null, PollInterval = poll ?? TimeSpan.FromMilliseconds(100) };

    private static string Answer(string by) => new JsonObject { ["by"] = by }.ToJsonString();

    private static string? By(JsonObject answer) => answer["by"]?.GetValue<string>();

    private static async Task<string?> StoredByAsync(ClaimStore claims, string key) =>
        (await claims.TryClaimAsync(key, TestRuns.Token)).Answer is { } stored ? JsonNode.Parse(stored)!["by"]!.GetValue<string>() : null;

    private async Task<PostgresConnection> PreparedAsync() => (await PreparedWithDatabaseAsync()).Connection;

    private async Task<(PostgresConnection Connection, string Database)> PreparedWithDatabaseAsync()
    {
        var database = postgres.NewDatabase();
        var connection = new PostgresConnection(database);
        await using var source = connection.CreateDataSource();
        await PostgresSchema.EnsureAsync(source, connection, TestRuns.Token);
        return (connection, database);
    }

    private static async Task ExpireAsync(string database, string key)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestRuns.Token);
        await using var expire = new NpgsqlCommand("UPDATE batchfactory_claims SET expires = now() - interval '1 second' WHERE key = $1", connection);
        expire.Parameters.Add(new NpgsqlParameter { Value = key });
        Assert.Equal(1, await expire.ExecuteNonQueryAsync(TestRuns.Token));
    }

    // Another session's lock on a claim's row (SELECT … FOR UPDATE in a transaction), until released or disposed.
    private sealed class RowLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public static async Task<RowLock> TakeAsync(string database, string key)
        {
            var connection = new NpgsqlConnection(database);
            await connection.OpenAsync(TestRuns.Token);
            var transaction = await connection.BeginTransactionAsync(TestRuns.Token);
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM batchfactory_claims WHERE key = $1 FOR UPDATE", connection, transaction))
            {
                lockRow.Parameters.Add(new NpgsqlParameter { Value = key });
                await lockRow.ExecuteScalarAsync(TestRuns.Token);
            }

            return new RowLock(connection, transaction);
        }

        public Task ReleaseAsync() => transaction.CommitAsync(TestRuns.Token);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    // Waits until a session of the database waits for a row lock.
    private static async Task WaitingForALockAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestRuns.Token);
        await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        while ((long)(await waiting.ExecuteScalarAsync(TestRuns.Token))! == 0)
        {
            await Task.Delay(20, TestRuns.Token);
        }
    }

    // An answer source that answers {"by": name} (after its gate, if any), counting the calls of each request; fails the request FailsOn.
    private sealed class CountingSource(string name, ConcurrentDictionary<string, int> calls) : IAnswerSource
    {
        public Task Gate { get; init; } = Task.CompletedTask;

        public string? FailsOn { get; init; }

        public async Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken)
        {
            calls.AddOrUpdate(request.Key, 1, (_, n) => n + 1);
            if (request.Key == FailsOn)
            {
                throw new InvalidOperationException("the model failed");
            }

            await Gate.WaitAsync(cancellationToken);
            return new JsonObject { ["by"] = name };
        }
    }
}
