using BatchFactory.Ledgers;
using BatchFactory.Tests.Support;
using Npgsql;

namespace BatchFactory.Tests.Ledgers;

/// <summary>What the PostgreSQL backend does beyond the ledger contract: its schema's version and upgrade, and the password kept out.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBackendTests(PostgresServer server)
{
    private static readonly LedgerLocation Location = new("p", "1", "llm", Path.GetTempPath());

    [Fact]
    public async Task Open_DatabaseOfANewerSchema_IsRefusedSayingToUpgrade()
    {
        var database = server.NewDatabase();
        await (await LedgerBackend.Postgres(database).OpenAsync(Location, new LedgerOptions(), TestRuns.Token)).DisposeAsync();
        await ExecuteAsync(database, "INSERT INTO batchfactory_schema (version) VALUES (99)");

        var ex = await Assert.ThrowsAsync<LedgerException>(async () => await LedgerBackend.Postgres(database).OpenAsync(Location, new LedgerOptions(), TestRuns.Token));

        Assert.Contains("schema version 99", ex.Message);
        Assert.Contains("upgrade BatchFactory", ex.Message);
    }

    [Fact]
    public async Task Open_DatabaseOfSchemaVersion1_UpgradesItKeepingEachLedgersRecordsInAppendOrder()
    {
        var database = server.NewDatabase();
        await ExecuteAsync(database, SchemaVersion1 + """
            INSERT INTO batchfactory_records (ledger, key, value) VALUES ('p/1/llm', 'b', '{"n":1}'), ('p/1/other', 'b', '"other"'), ('p/1/llm', 'a', '{"n":2}');
            UPDATE batchfactory_records SET value = '{"n":3}', seq = nextval('batchfactory_seq') WHERE ledger = 'p/1/llm' AND key = 'b';
            INSERT INTO batchfactory_claims (scope, key, worker, token, expires, answer) VALUES ('p/1', 'q', 'w1', nextval('batchfactory_fence'), now(), '{"a":1}');
            """);

        await using (var ledger = await LedgerBackend.Postgres(database).OpenAsync(Location, new LedgerOptions(), TestRuns.Token))
        {
            Assert.Equal(2, ledger.Count);
            Assert.Equal(["""{"n":3}""", """{"n":2}""", null], (await ledger.TryGetManyAsync(["b", "a", "c"], TestRuns.Token)).Select(v => v?.ToJsonString()));
            await ledger.AppendAsync("c", 4, TestRuns.Token);
            Assert.Equal(["a", "b", "c"], await ledger.EnumerateAsync(TestRuns.Token).Select(r => r.Key).ToListAsync(TestRuns.Token));
        }

        await using (var other = await LedgerBackend.Postgres(database).OpenAsync(new LedgerLocation("p", "1", "other", Path.GetTempPath()), new LedgerOptions(), TestRuns.Token))
        {
            Assert.Equal("other", (await other.TryGetAsync("b", TestRuns.Token))!.GetValue<string>());
        }

        Assert.Equal(2, await ScalarAsync(database, "SELECT max(version) FROM batchfactory_schema"));
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM batchfactory_claims WHERE answer IS NOT NULL"));
    }

    [Fact]
    public async Task Open_ManyWorkersAtOnceOnASchemaVersion1Database_OneUpgradesAndAllSeeTheRecords()
    {
        var database = server.NewDatabase();
        await ExecuteAsync(database, SchemaVersion1 + "INSERT INTO batchfactory_records (ledger, key, value) VALUES ('p/1/llm', 'a', '1');");

        var ledgers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => LedgerBackend.Postgres(database).OpenAsync(Location, new LedgerOptions(), TestRuns.Token).AsTask()));

        foreach (var ledger in ledgers)
        {
            Assert.Equal(1, (await ledger.TryGetAsync("a", TestRuns.Token))!.GetValue<int>());
            await ledger.DisposeAsync();
        }

        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM batchfactory_ledgers"));
    }

    [Fact]
    public async Task Open_FiveLedgersOfBackendsForOneDatabase_ShareOneConnectionPoolThatOutlivesTheLastLedgerByItsLinger()
    {
        var database = server.NewDatabase();
        var named = database + ";Application Name=bf-pool-test";
        ((PostgresBackend)LedgerBackend.Postgres(named)).Connection.PoolLinger = TimeSpan.FromSeconds(3);
        const string Connections = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bf-pool-test'";
        var keys = Enumerable.Range(0, 1000).Select(i => $"k{i}").ToArray();
        var ledgers = new List<ILedger>();
        for (var i = 0; i < 5; i++)
        {
            // A backend made anew each time, as a program that names its database per project does.
            var ledger = await LedgerBackend.Postgres(named).OpenAsync(new LedgerLocation("p", "1", $"l{i}", Path.GetTempPath()), new LedgerOptions(), TestRuns.Token);
            ledgers.Add(ledger);
            await ledger.AppendAsync("k1", i, TestRuns.Token);
            Assert.Equal(i, (await ledger.TryGetManyAsync(keys, TestRuns.Token))[1]!.GetValue<int>());
        }

        // A lookup of 1,000 keys asks in 4 parts at once: one shared pool needs about 4 connections, a pool per ledger held about 5 × 4.
        var open = (long)(await ScalarAsync(database, Connections))!;
        Assert.InRange(open, 1L, 8L);

        foreach (var ledger in ledgers)
        {
            await ledger.DisposeAsync();
        }

        // The next project of the process finds the connections open (none closed, none opened).
        await using (var reopened = await LedgerBackend.Postgres(named).OpenAsync(new LedgerLocation("p", "1", "l2", Path.GetTempPath()), new LedgerOptions(), TestRuns.Token))
        {
            Assert.Equal(2, (await reopened.TryGetAsync("k1", TestRuns.Token))!.GetValue<int>());
            Assert.Equal(open, (long)(await ScalarAsync(database, Connections))!);
        }

        await Eventually.TrueAsync(async () => (long)(await ScalarAsync(database, Connections))! == 0, "the pool closes its connections once its linger passes with no ledger open");
    }

    [Fact]
    public async Task Open_WrongPassword_ErrorNamesTheDatabaseButNeitherPassword()
    {
        var database = server.NewDatabase();
        var wrong = database.Replace(server.Password, "wrong-" + server.Password, StringComparison.Ordinal);

        var ex = await Assert.ThrowsAsync<LedgerException>(async () => await LedgerBackend.Postgres(wrong).OpenAsync(Location, new LedgerOptions(), TestRuns.Token));

        Assert.Contains($"postgresql://{PostgresServer.User}@127.0.0.1:{server.Port}/", ex.Message);
        Assert.Contains("password authentication failed", ex.ToString());
        Assert.DoesNotContain(server.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Password, ex.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDataSource_GenericPlans_SessionsPlanOnceForAnyParameters_UnlessTheConnectionStringSaysOtherwise()
    {
        var database = server.NewDatabase();

        Assert.Equal("force_generic_plan", await PlanCacheModeAsync(new PostgresConnection(database).CreateDataSource(genericPlans: true)));
        Assert.Equal("auto", await PlanCacheModeAsync(new PostgresConnection(database).CreateDataSource()));
        Assert.Equal("force_custom_plan", await PlanCacheModeAsync(new PostgresConnection(database + ";Options=-c plan_cache_mode=force_custom_plan").CreateDataSource(genericPlans: true)));
    }

    [Fact]
    public async Task BrokerLookups_OnAPostgresLedger_GoOneBatchAtATimeAndFindEachRecord()
    {
        await using var ledger = await LedgerBackend.Postgres(server.NewDatabase()).OpenAsync(Location, new LedgerOptions(), TestRuns.Token);
        for (var i = 0; i < 300; i += 2)
        {
            await ledger.AppendAsync($"k{i}", i, TestRuns.Token);
        }

        // One statement at a time: those arriving meanwhile wait and go together in the next, not each alone on a second connection.
        var lookups = new BatchFactory.Brokers.LedgerLookups(ledger);
        var found = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => lookups.GetAsync([$"k{i}"], TestRuns.Token).AsTask()));

        Assert.Equal(1, lookups.InFlight);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => i % 2 == 0 ? i : (int?)null), found.Select(f => f.Single()?.GetValue<int>()));
    }

    [Fact]
    public void Postgres_UnreadableConnectionString_IsRefusedWithoutQuotingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => LedgerBackend.Postgres($"Host=x;Password={server.Password};Bogus Keyword=1"));

        Assert.DoesNotContain(server.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("Host=", ex.Message);
    }

    private static async Task<string> PlanCacheModeAsync(NpgsqlDataSource source)
    {
        await using (source)
        {
            await using var show = source.CreateCommand("SHOW plan_cache_mode");
            return (string)(await show.ExecuteScalarAsync(TestRuns.Token))!;
        }
    }

    // The tables of schema version 1 (BatchFactory before the ledgers were numbered), as that version made them.
    private const string SchemaVersion1 = """
        CREATE SEQUENCE batchfactory_seq;
        CREATE TABLE batchfactory_records (
            ledger text NOT NULL,
            key text NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('batchfactory_seq'),
            value text NOT NULL,
            PRIMARY KEY (ledger, key));
        CREATE INDEX batchfactory_records_order ON batchfactory_records (ledger, seq);
        CREATE SEQUENCE batchfactory_fence;
        CREATE TABLE batchfactory_claims (
            scope text NOT NULL,
            key text NOT NULL,
            worker text NOT NULL,
            token bigint NOT NULL,
            expires timestamptz NOT NULL,
            answer text,
            PRIMARY KEY (scope, key));
        CREATE TABLE batchfactory_grants (
            scope text NOT NULL,
            name text NOT NULL,
            id bigserial NOT NULL,
            at timestamptz NOT NULL,
            amount bigint NOT NULL,
            PRIMARY KEY (scope, name, id));
        CREATE TABLE batchfactory_schema (version integer NOT NULL);
        INSERT INTO batchfactory_schema (version) VALUES (1);
        """;

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestRuns.Token);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestRuns.Token);
    }

    private static async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestRuns.Token);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestRuns.Token);
    }
}
