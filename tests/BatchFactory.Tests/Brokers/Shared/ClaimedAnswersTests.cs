using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Ledgers;
using BatchFactory.Tests.Support;
using Npgsql;

namespace BatchFactory.Tests.Brokers.Shared;

/// <summary>Claims, leases and fencing between two workers' answer sources on one PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClaimedAnswersTests(PostgresServer postgres)
{
    private static readonly ModelRequest Request = new EmbeddingCall("a text", ModelSpec.Parse("m@offline"));

    [Fact]
    public async Task AnswerAsync_StalledWorkerPastItsLease_CannotOverwriteTheAnswerOfTheWorkerThatTookOver()
    {
        var database = postgres.NewDatabase();
        var connection = new PostgresConnection(database);
        await PrepareAsync(connection);
        using var stalledClaims = new ClaimStore(connection, "p/1", Options("stalled"));
        using var takerClaims = new ClaimStore(connection, "p/1", Options("taker"));
        var stalledCall = new GatedSource("stalled");
        var stalled = new ClaimedAnswers(stalledCall, stalledClaims).AnswerAsync(Request, TestRuns.Token);
        await stalledCall.Started.Task.WaitAsync(TestRuns.Token);

        await ExpireLeasesAsync(database);
        var taken = await new ClaimedAnswers(new GatedSource("taker", open: true), takerClaims).AnswerAsync(Request, TestRuns.Token);
        stalledCall.Gate.SetResult();
        var late = await stalled;

        Assert.Equal("taker", taken["by"]!.GetValue<string>());
        Assert.False(taken.ContainsKey(ClaimedAnswers.ElsewhereMark));
        Assert.Equal("taker", late["by"]!.GetValue<string>());
        Assert.True(late.ContainsKey(ClaimedAnswers.ElsewhereMark));
        Assert.Equal("taker", (await stalledClaims.TryClaimAsync(Request.Key, TestRuns.Token)).Answer is { } stored ? JsonNode.Parse(stored)!["by"]!.GetValue<string>() : null);
    }

    [Fact]
    public async Task AnswerAsync_AnotherWorkerHoldsTheClaim_WaitsForItsAnswerWithoutCalling()
    {
        var database = postgres.NewDatabase();
        var connection = new PostgresConnection(database);
        await PrepareAsync(connection);
        using var firstClaims = new ClaimStore(connection, "p/1", Options("first"));
        using var secondClaims = new ClaimStore(connection, "p/1", Options("second"));
        var firstCall = new GatedSource("first");
        var secondCall = new GatedSource("second", open: true);
        var first = new ClaimedAnswers(firstCall, firstClaims).AnswerAsync(Request, TestRuns.Token);
        await firstCall.Started.Task.WaitAsync(TestRuns.Token);

        var second = new ClaimedAnswers(secondCall, secondClaims).AnswerAsync(Request, TestRuns.Token);
        firstCall.Gate.SetResult();

        Assert.Equal("first", (await first)["by"]!.GetValue<string>());
        Assert.False((await first).ContainsKey(ClaimedAnswers.ElsewhereMark));
        Assert.Equal("first", (await second)["by"]!.GetValue<string>());
        Assert.Equal(0, secondCall.Calls);
    }

    [Fact]
    public async Task AnswerAsync_WaitingForAnotherWorkersAnswer_GivesItsOpPlaceToTheNextEntry_AndFinishesWithoutTakingItBack()
    {
        // The op has one place: the waiting entry gives it up, and the next entry takes it and keeps it.
        await using var ask = await OnePlaceWaitingAsync(new GatedSource("first"));
        var (firstCall, secondCall, second, places) = (ask.FirstCall, ask.SecondCall, ask.Second, ask.Places);

        firstCall.Gate.SetResult();
        var (answer, _) = await second.WaitAsync(TimeSpan.FromSeconds(30), TestRuns.Token);

        Assert.Equal("first", answer["by"]!.GetValue<string>());
        Assert.Equal(0, secondCall.Calls);
        Assert.Equal(0, places.CurrentCount);
    }

    [Fact]
    public async Task AnswerAsync_ClaimReleasedByTheWorkerItWaitedFor_TakesAPlaceAgainBeforeClaimingAndCalling()
    {
        await using var ask = await OnePlaceWaitingAsync(new GatedSource("first") { Fails = true });
        var (firstCall, secondCall, second, places) = (ask.FirstCall, ask.SecondCall, ask.Second, ask.Places);

        // The first worker's call fails and it gives the claim up: the waiting entry needs the place held by the next one.
        firstCall.Gate.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => ask.First);
        await Task.Delay(300, TestRuns.Token);
        Assert.Equal(0, secondCall.Calls);
        places.Release();
        var (answer, placeHeldAfterwards) = await second.WaitAsync(TimeSpan.FromSeconds(30), TestRuns.Token);

        Assert.Equal("second", answer["by"]!.GetValue<string>());
        Assert.Equal(1, secondCall.Calls);
        Assert.True(placeHeldAfterwards);
        Assert.Equal(1, places.CurrentCount);
    }

    [Fact]
    public async Task AnswerAsync_WithTurnsToClaim_ClaimsWithoutAPlace_AndAClaimWonWaitsInItsTurnForAPlaceBeforeCalling()
    {
        var (database, connection) = await PreparedAsync();
        using var claims = new ClaimStore(connection, "p/1", Options("one", notifiedOnly: true));
        using var places = new SemaphoreSlim(1, 1);
        using var turns = new SemaphoreSlim(1, 1);
        await places.WaitAsync(TestRuns.Token);
        var call = new GatedSource("one", open: true);

        // The claim statement waits behind a lock: meanwhile the op's only place is free for the next entry.
        Task<(JsonObject Answer, bool PlaceHeld)> asking;
        await using (var blocker = new NpgsqlConnection(database))
        {
            await blocker.OpenAsync(TestRuns.Token);
            await using var hold = await blocker.BeginTransactionAsync(TestRuns.Token);
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE batchfactory_claims IN ACCESS EXCLUSIVE MODE", blocker, hold))
            {
                await lockTable.ExecuteNonQueryAsync(TestRuns.Token);
            }

            asking = InSlotAsync(places, () => new ClaimedAnswers(call, claims).AnswerAsync(Request, TestRuns.Token), turns);
            await places.WaitAsync(TestRuns.Token).WaitAsync(TimeSpan.FromSeconds(30), TestRuns.Token);
            Assert.Equal(0, turns.CurrentCount);
            await hold.RollbackAsync(TestRuns.Token);
        }

        // The claim is won while the next entry holds the place: it keeps its turn, and calls only once it has a place.
        await Eventually.TrueAsync(async () => await ClaimsAsync(database) == 1, "the claim is taken");
        await Task.Delay(200, TestRuns.Token);
        Assert.Equal((0, 0), (call.Calls, turns.CurrentCount));
        places.Release();
        var (answer, placeHeld) = await asking.WaitAsync(TimeSpan.FromSeconds(30), TestRuns.Token);

        Assert.Equal("one", answer["by"]!.GetValue<string>());
        Assert.True(placeHeld);
        Assert.Equal((1, 1, 1), (call.Calls, places.CurrentCount, turns.CurrentCount));
    }

    [Fact]
    public async Task AnswerAsync_CallFails_ReleasesTheClaimSoAnotherWorkerCalls()
    {
        var database = postgres.NewDatabase();
        var connection = new PostgresConnection(database);
        await PrepareAsync(connection);
        using var claims = new ClaimStore(connection, "p/1", Options("one"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => new ClaimedAnswers(new GatedSource("one", open: true) { Fails = true }, claims).AnswerAsync(Request, TestRuns.Token));
        var other = await new ClaimedAnswers(new GatedSource("other", open: true), claims).AnswerAsync(Request, TestRuns.Token);

        Assert.Equal("other", other["by"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnswerAsync_AWorkerDiedHoldingTheClaim_AnotherClaimsItOnceTheLeaseRunsOut()
    {
        var database = postgres.NewDatabase();
        var connection = new PostgresConnection(database);
        await PrepareAsync(connection);
        await using (var db = new NpgsqlConnection(database))
        {
            await db.OpenAsync(TestRuns.Token);
            await using var dead = new NpgsqlCommand("INSERT INTO batchfactory_claims (scope, key, worker, token, expires) VALUES ('p/1', $1, 'dead', nextval('batchfactory_fence'), now() + interval '300 milliseconds')", db);
            dead.Parameters.Add(new NpgsqlParameter { Value = Request.Key });
            await dead.ExecuteNonQueryAsync(TestRuns.Token);
        }

        using var claims = new ClaimStore(connection, "p/1", new SharingOptions { WorkerName = "survivor", Heartbeat = null, PollInterval = TimeSpan.FromSeconds(30) });
        var survivor = new GatedSource("survivor", open: true);

        var answer = await new ClaimedAnswers(survivor, claims).AnswerAsync(Request, TestRuns.Token);

        Assert.Equal("survivor", answer["by"]!.GetValue<string>());
        Assert.Equal(1, survivor.Calls);
    }

    [Fact]
    public async Task AnswerAsync_CallOutlastsTheLease_HeartbeatKeepsTheClaimSoNoOtherWorkerCalls()
    {
        var database = postgres.NewDatabase();
        var connection = new PostgresConnection(database);
        await PrepareAsync(connection);
        var lease = TimeSpan.FromSeconds(3); // heartbeats every 100 ms: 30 chances per lease, even on a loaded machine
        using var slowClaims = new ClaimStore(connection, "p/1", new SharingOptions { WorkerName = "slow", Lease = lease, Heartbeat = TimeSpan.FromMilliseconds(100) });
        using var otherClaims = new ClaimStore(connection, "p/1", Options("other"));
        var slowCall = new GatedSource("slow");
        var otherCall = new GatedSource("other", open: true);
        var slow = new ClaimedAnswers(slowCall, slowClaims).AnswerAsync(Request, TestRuns.Token);
        await slowCall.Started.Task.WaitAsync(TestRuns.Token);

        var other = new ClaimedAnswers(otherCall, otherClaims).AnswerAsync(Request, TestRuns.Token);
        await Task.Delay(lease * 2.5, TestRuns.Token);
        slowCall.Gate.SetResult();

        Assert.Equal("slow", (await other)["by"]!.GetValue<string>());
        Assert.Equal("slow", (await slow)["by"]!.GetValue<string>());
        Assert.Equal(0, otherCall.Calls);
    }

    [Fact]
    public async Task AnswerAsync_TheOpsLedgerIsInTheClaimsDatabase_StoresTheStampedRecordWithTheAnswer_AndTheOtherWorkerFindsIt()
    {
        var (_, connection) = await PreparedAsync();
        await using var ledger = await PostgresLedger.OpenAsync(connection, new LedgerLocation("p", "1", "llm", Path.GetTempPath()), new LedgerOptions(), TestRuns.Token);
        using var firstClaims = new ClaimStore(connection, "p/1", Options("first"));
        using var secondClaims = new ClaimStore(connection, "p/1", Options("second"));
        var mine = new EmbeddingCall("a text", ModelSpec.Parse("m@offline"));
        var theirs = new EmbeddingCall("a text", ModelSpec.Parse("m@offline"));

        var answer = await AskAsync(new ClaimedAnswers(new GatedSource("first", open: true), firstClaims), ledger, "entry-1", mine);
        var elsewhere = await AskAsync(new ClaimedAnswers(new GatedSource("second", open: true), secondClaims), ledger, "entry-2", theirs);

        var record = (JsonObject)(await ledger.TryGetAsync(mine.Key, TestRuns.Token))!;
        Assert.Equal("first", record["by"]!.GetValue<string>());
        Assert.Equal("entry-1", record[AnswerRecord.AskedField]!["idx"]!.GetValue<string>());
        Assert.NotNull(record[AnswerRecord.RequestField]);
        Assert.Equal(1, ledger.Count);
        Assert.True(mine.Kept);
        Assert.Equal("first", answer["by"]!.GetValue<string>());
        Assert.True(theirs.Kept);
        Assert.Equal("first", elsewhere["by"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnswerAsync_TheOpsLedgerHoldsARecordNoClaimStored_ServesTheRecordWithoutCallingOrClaiming()
    {
        // A record stored without a claim: an earlier run's answer, or a batch's answer no request of the run took.
        var (_, connection) = await PreparedAsync();
        await using var ledger = await PostgresLedger.OpenAsync(connection, new LedgerLocation("p", "1", "llm", Path.GetTempPath()), new LedgerOptions(), TestRuns.Token);
        using var claims = new ClaimStore(connection, "p/1", Options("worker"));
        var request = new EmbeddingCall("a text", ModelSpec.Parse("m@offline"));
        await ledger.AppendAsync(request.Key, new JsonObject { ["by"] = "earlier", [AnswerRecord.AskedField] = new JsonObject { ["idx"] = "0" } }, TestRuns.Token);
        var source = new GatedSource("now", open: true);

        var answer = await AskAsync(new ClaimedAnswers(source, claims), ledger, "entry-1", request);

        Assert.Equal("earlier", answer["by"]!.GetValue<string>());
        Assert.False(answer.ContainsKey(AnswerRecord.AskedField));
        Assert.True(request.Kept);
        Assert.Equal(0, source.Calls);

        // Nothing was claimed: a caller that names no ledger claims the key.
        Assert.NotNull((await claims.TryClaimAsync(request.Key, TestRuns.Token)).Token);
    }

    [Fact]
    public async Task TryClaimAsync_KeyOfARecordHeldByAnotherWorkersLiveLease_SaysItIsHeld_SoTheCallerWaitsForThatWorker()
    {
        var (_, connection) = await PreparedAsync();
        await using var ledger = await PostgresLedger.OpenAsync(connection, new LedgerLocation("p", "1", "llm", Path.GetTempPath()), new LedgerOptions(), TestRuns.Token);
        using var holderClaims = new ClaimStore(connection, "p/1", Options("holder"));
        using var claims = new ClaimStore(connection, "p/1", Options("worker"));
        var request = new EmbeddingCall("a text", ModelSpec.Parse("m@offline"));
        Assert.NotNull((await holderClaims.TryClaimAsync(request.Key, TestRuns.Token)).Token);
        await ledger.AppendAsync(request.Key, new JsonObject { ["by"] = "batch" }, TestRuns.Token);

        var claim = await claims.TryClaimAsync(request.Key, ledger, TestRuns.Token);

        Assert.Equal((null, null, false), (claim.Answer, claim.Token, claim.Recorded));
        Assert.True(claim.HeldFor > TimeSpan.Zero);
    }

    [Fact]
    public async Task TryClaimAsync_KeyOfARecordWhoseClaimsLeaseRanOut_ServesTheRecord_WithoutTakingTheClaimOver()
    {
        var (database, connection) = await PreparedAsync();
        await using var ledger = await PostgresLedger.OpenAsync(connection, new LedgerLocation("p", "1", "llm", Path.GetTempPath()), new LedgerOptions(), TestRuns.Token);
        using var deadClaims = new ClaimStore(connection, "p/1", Options("dead"));
        using var claims = new ClaimStore(connection, "p/1", Options("worker"));
        var request = new EmbeddingCall("a text", ModelSpec.Parse("m@offline"));
        var dead = (await deadClaims.TryClaimAsync(request.Key, TestRuns.Token)).Token;
        await ledger.AppendAsync(request.Key, new JsonObject { ["by"] = "batch" }, TestRuns.Token);
        await ExpireLeasesAsync(database);

        var claim = await claims.TryClaimAsync(request.Key, ledger, TestRuns.Token);

        Assert.Equal("batch", JsonNode.Parse(claim.Answer!)!["by"]!.GetValue<string>());
        Assert.Equal((null, true, true), (claim.Token, claim.Recorded, claim.InLedger));
        await using var row = new NpgsqlConnection(database);
        await row.OpenAsync(TestRuns.Token);
        await using var holder = new NpgsqlCommand("SELECT worker, token FROM batchfactory_claims", row);
        await using var reader = await holder.ExecuteReaderAsync(TestRuns.Token);
        Assert.True(await reader.ReadAsync(TestRuns.Token));
        Assert.Equal(("dead", dead), (reader.GetString(0), (long?)reader.GetInt64(1)));
    }

    [Fact]
    public async Task AnswerAsync_StalledWorkerPastItsLease_WritesNoLedgerRecord()
    {
        var (database, connection) = await PreparedAsync();
        await using var ledger = await PostgresLedger.OpenAsync(connection, new LedgerLocation("p", "1", "llm", Path.GetTempPath()), new LedgerOptions(), TestRuns.Token);
        using var stalledClaims = new ClaimStore(connection, "p/1", Options("stalled"));
        using var takerClaims = new ClaimStore(connection, "p/1", Options("taker"));
        var stalledCall = new GatedSource("stalled");
        var stalledRequest = new EmbeddingCall("a text", ModelSpec.Parse("m@offline"));
        var stalled = AskAsync(new ClaimedAnswers(stalledCall, stalledClaims), ledger, "entry-1", stalledRequest);
        await stalledCall.Started.Task.WaitAsync(TestRuns.Token);

        await ExpireLeasesAsync(database);
        await AskAsync(new ClaimedAnswers(new GatedSource("taker", open: true), takerClaims), ledger, "entry-1", new EmbeddingCall("a text", ModelSpec.Parse("m@offline")));
        stalledCall.Gate.SetResult();
        var late = await stalled;

        Assert.Equal("taker", late["by"]!.GetValue<string>());
        Assert.Equal("taker", (await ledger.TryGetAsync(stalledRequest.Key, TestRuns.Token))!["by"]!.GetValue<string>());
        Assert.True(stalledRequest.Kept);
    }

    [Fact]
    public async Task AnswerAsync_TheOpsLedgerIsElsewhere_LeavesTheAppendToTheBroker()
    {
        var (_, connection) = await PreparedAsync();
        using var folder = new TempFolder();
        await using var elsewhere = await LedgerBackend.Sqlite.OpenAsync(new LedgerLocation("p", "1", "llm", folder.Path), new LedgerOptions(), TestRuns.Token);
        using var claims = new ClaimStore(connection, "p/1", Options("first"));
        var request = new EmbeddingCall("a text", ModelSpec.Parse("m@offline"));

        var answer = await AskAsync(new ClaimedAnswers(new GatedSource("first", open: true), claims), elsewhere, "entry-1", request);

        Assert.Equal("first", answer["by"]!.GetValue<string>());
        Assert.False(request.Kept);
        Assert.Null(await elsewhere.TryGetAsync(request.Key, TestRuns.Token));
    }

    // A first worker calling (through firstCall, gated) and a second worker's entry of a one-place op waiting for it,
    // whose place the next entry of that op (the test) has taken; waiters are woken by notifications only.
    private async Task<OnePlaceWait> OnePlaceWaitingAsync(GatedSource firstCall)
    {
        var (_, connection) = await PreparedAsync();
        var firstClaims = new ClaimStore(connection, "p/1", Options("first", notifiedOnly: true));
        var secondClaims = new ClaimStore(connection, "p/1", Options("second", notifiedOnly: true));
        var first = new ClaimedAnswers(firstCall, firstClaims).AnswerAsync(Request, TestRuns.Token);
        await firstCall.Started.Task.WaitAsync(TestRuns.Token);
        var places = new SemaphoreSlim(1, 1);
        await places.WaitAsync(TestRuns.Token);
        var secondCall = new GatedSource("second", open: true);
        var second = InSlotAsync(places, () => new ClaimedAnswers(secondCall, secondClaims).AnswerAsync(Request, TestRuns.Token));
        await places.WaitAsync(TestRuns.Token).WaitAsync(TimeSpan.FromSeconds(30), TestRuns.Token);
        return new OnePlaceWait(firstClaims, secondClaims, places, firstCall, first, secondCall, second);
    }

    private sealed record OnePlaceWait(ClaimStore FirstClaims, ClaimStore SecondClaims, SemaphoreSlim Places, GatedSource FirstCall, Task<JsonObject> First, GatedSource SecondCall, Task<(JsonObject Answer, bool PlaceHeld)> Second) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            FirstClaims.Dispose();
            SecondClaims.Dispose();
            Places.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    // Asks as an op of a shared run does: holding one of its places (taken by the caller) as the flow's call slot. Says
    // whether the place was still held when the answer came back.
    private static async Task<(JsonObject Answer, bool PlaceHeld)> InSlotAsync(SemaphoreSlim places, Func<Task<JsonObject>> ask, SemaphoreSlim? turns = null)
    {
        var slot = CallSlot.Enter(places, turns);
        var before = places.CurrentCount;
        try
        {
            var answer = await ask();
            var held = places.CurrentCount == before;
            return (answer, held);
        }
        finally
        {
            slot.Leave();
        }
    }

    // Asks as the broker does: in the call's scope, which names the op's ledger and the entry.
    private static Task<JsonObject> AskAsync(ClaimedAnswers answers, ILedger ledger, string idx, ModelRequest request)
    {
        CallScope.Current = new CallScope(new CallSite(0, "ask", ledger, new BrokerCounters()), idx, request);
        return answers.AnswerAsync(request, TestRuns.Token);
    }

    // notifiedOnly: a waiter is woken only by a notification (its poll is a minute away), never by a poll.
    private static SharingOptions Options(string worker, bool notifiedOnly = false) =>
        new() { WorkerName = worker, Heartbeat = null, PollInterval = notifiedOnly ? TimeSpan.FromMinutes(1) : TimeSpan.FromMilliseconds(100) };

    // A new database with the tables, and its connection.
    private async Task<(string Database, PostgresConnection Connection)> PreparedAsync()
    {
        var database = postgres.NewDatabase();
        var connection = new PostgresConnection(database);
        await PrepareAsync(connection);
        return (database, connection);
    }

    private static async Task PrepareAsync(PostgresConnection connection)
    {
        await using var source = connection.CreateDataSource();
        await PostgresSchema.EnsureAsync(source, connection, TestRuns.Token);
    }

    private static async Task<long> ClaimsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestRuns.Token);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM batchfactory_claims", connection);
        return (long)(await count.ExecuteScalarAsync(TestRuns.Token))!;
    }

    private static async Task ExpireLeasesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestRuns.Token);
        await using var expire = new NpgsqlCommand("UPDATE batchfactory_claims SET expires = now() - interval '1 second'", connection);
        Assert.Equal(1, await expire.ExecuteNonQueryAsync(TestRuns.Token));
    }

    // An answer source that answers {"by": name} once its gate opens, and counts its calls.
    private sealed class GatedSource(string name, bool open = false) : IAnswerSource
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = Opened(open);

        public bool Fails { get; init; }

        public int Calls { get; private set; }

        public async Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            Started.TrySetResult();
            await Gate.Task.WaitAsync(cancellationToken);
            return Fails ? throw new InvalidOperationException("the model failed") : new JsonObject { ["by"] = name };
        }

        private static TaskCompletionSource Opened(bool open)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (open)
            {
                gate.SetResult();
            }

            return gate;
        }
    }
}
