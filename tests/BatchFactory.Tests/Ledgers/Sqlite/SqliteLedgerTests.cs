using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Ledgers;
using BatchFactory.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BatchFactory.Tests.Ledgers.Sqlite;

/// <summary>The SQLite ledger keeps the ledger contract, plus what only a database file can get wrong.</summary>
public sealed class SqliteLedgerTests() : LedgerContractTests(LedgerBackend.Sqlite)
{
    private string LedgerPath => Location.FilePath(".sqlite");

    [Fact]
    public async Task Open_KeepsTheLedgerInNameDotSqlite()
    {
        await using var ledger = await OpenAsync();

        Assert.Equal(LedgerPath, ledger.Location);
        Assert.IsType<SqliteLedger>(ledger);
    }

    [Fact]
    public async Task Dispose_LeavesOneWalModeDatabaseMarkedAsALedgerOfFormat2()
    {
        await WriteAsync(("a", 1), ("b", 2), ("a", 3));

        Assert.False(File.Exists(LedgerPath + "-wal"), "the write-ahead log was not folded into the database on dispose");
        Assert.False(File.Exists(LedgerPath + ".lock"), "the lock file outlived the ledger");
        using var connection = OpenRaw();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(2L, Scalar(connection, "PRAGMA user_version"));
        Assert.Equal((long)SqliteFormat.ApplicationId, Scalar(connection, "PRAGMA application_id"));
        Assert.Equal("3", Encoding.UTF8.GetString((byte[])Scalar(connection, "SELECT value FROM records WHERE key = CAST('a' AS BLOB)")!));
        Assert.Equal("b,a", Scalar(connection, "SELECT group_concat(CAST(key AS TEXT), ',') FROM (SELECT key FROM records ORDER BY seq)"));
        Assert.Equal(SqliteFormat.Hash("a"u8), Scalar(connection, "SELECT hash FROM key_hashes WHERE seq = (SELECT seq FROM records WHERE key = CAST('a' AS BLOB))"));
        Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM records FULL JOIN key_hashes USING (seq) WHERE records.seq IS NULL OR key_hashes.seq IS NULL"));
        Assert.Equal(0L, Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"));
    }

    [Fact]
    public async Task Open_LedgerFromANewerFormat_IsRefusedAndLeftAlone()
    {
        await WriteAsync(("a", 1));
        using (var connection = OpenRaw())
        {
            Scalar(connection, "PRAGMA user_version = 3");
        }

        var ex = await LedgerAssert.RefusedUnchangedAsync<LedgerException>(LedgerPath, async () => await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token));

        Assert.Contains(LedgerPath, ex.Message);
        Assert.Contains("newer", ex.Message);
        Assert.Contains("format 3", ex.Message);
        Assert.Contains("Upgrade", ex.Message);
    }

    [Fact]
    public async Task Open_LedgerOfFormat1_IsRefusedAsAnEarlierFormatAndLeftAlone()
    {
        // Format 1 as the first SQLite ledger wrote it: records found through an index on the key's hash.
        using (var connection = OpenRaw())
        {
            Scalar(connection, $"""
                PRAGMA journal_mode = WAL;
                CREATE TABLE records (seq INTEGER PRIMARY KEY, hash INTEGER NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL);
                CREATE INDEX records_by_hash ON records (hash);
                CREATE TABLE ledger (key_count INTEGER NOT NULL);
                INSERT INTO ledger (key_count) VALUES (1);
                INSERT INTO records (hash, key, value) VALUES (7, CAST('a' AS BLOB), CAST('1' AS BLOB));
                PRAGMA application_id = {SqliteFormat.ApplicationId};
                PRAGMA user_version = 1;
                """);
        }

        var ex = await LedgerAssert.RefusedUnchangedAsync<LedgerException>(LedgerPath, async () => await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token));

        Assert.Contains(LedgerPath, ex.Message);
        Assert.Contains("ledger format 1", ex.Message);
        Assert.Contains("earlier BatchFactory", ex.Message);
        Assert.Contains("move it aside", ex.Message);
    }

    [Fact]
    public async Task Open_FileThatIsNotASqliteDatabase_IsRefusedAndLeftAlone()
    {
        var text = "{\"k\":\"a\",\"v\":1}\n" + new string('x', 200) + "\n";
        File.WriteAllText(LedgerPath, text);

        var ex = await Assert.ThrowsAsync<LedgerException>(async () => await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token));

        Assert.Contains(LedgerPath, ex.Message);
        Assert.Contains("not a SQLite database", ex.Message);
        Assert.Equal(text, File.ReadAllText(LedgerPath));
        Assert.False(File.Exists(LedgerPath + ".lock"), "a failed open left its lock behind");
    }

    [Fact]
    public async Task Open_SqliteDatabaseOfAnotherApplication_IsRefusedAndLeftAlone()
    {
        using (var connection = OpenRaw())
        {
            Scalar(connection, "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('Ada')");
        }

        var ex = await LedgerAssert.RefusedUnchangedAsync<LedgerException>(LedgerPath, async () => await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token));

        Assert.Contains(LedgerPath, ex.Message);
        Assert.Contains("not a BatchFactory ledger", ex.Message);
    }

    [Fact]
    public async Task Open_EmptyFile_StartsAFreshLedger()
    {
        File.WriteAllBytes(LedgerPath, []);

        await using var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        await ledger.AppendAsync("a", 1, TestRuns.Token);

        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public async Task Open_WhileOpen_IsRefusedSayingOnlyOneProcessMayWrite()
    {
        await using var first = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);

        var ex = await Assert.ThrowsAsync<LedgerException>(async () => await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token));

        Assert.Contains($"The ledger '{LedgerPath}' is already open for writing", ex.Message);
        Assert.Contains("Only one process may write a ledger at a time", ex.Message);
        Assert.Equal(LedgerPath, ex.Path);
    }

    [Fact]
    public async Task Append_DiskFull_FaultsTheLedgerWithLedgerException_AndKeepsEarlierRecords()
    {
        await using (var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token))
        {
            await ledger.AppendAsync("a", new JsonObject { ["text"] = "kept" }, TestRuns.Token);
            await ledger.SimulateFullDiskAsync(TestRuns.Token);

            var ex = await Assert.ThrowsAsync<LedgerException>(async () => await ledger.AppendAsync("b", new JsonObject { ["text"] = new string('x', 20_000) }, TestRuns.Token));

            Assert.Contains("database or disk is full", ex.Message);
            Assert.Contains(LedgerPath, ex.Message);
            await Assert.ThrowsAsync<LedgerException>(async () => await ledger.AppendAsync("c", 3, TestRuns.Token));
            Assert.Equal("kept", (await ledger.TryGetAsync("a", TestRuns.Token))!["text"]!.GetValue<string>());
            Assert.Null(await ledger.TryGetAsync("b", TestRuns.Token));
            Assert.Equal(1, ledger.Count);
        }

        await using var reopened = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        Assert.Equal(["a"], (await ToListAsync(reopened)).Select(r => r.Key));
        Assert.Equal(1, reopened.Count);
    }

    [Fact]
    public async Task Append_ManyConcurrentAppenders_ShareTransactions()
    {
        const int tasks = 32, each = 100;
        await using var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);

        await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await ledger.AppendAsync($"t{t}-{i}", i, TestRuns.Token);
            }
        })));

        Assert.Equal(tasks * each, ledger.Count);
        Assert.InRange(ledger.Transactions, 1, tasks * each - 1);
    }

    [Fact]
    public async Task TryGet_KeyWhoseHashCollidesWithAnotherKey_ChecksTheFullKey()
    {
        await WriteAsync(("a", 1));
        GiveEveryStoredKeyTheHashOf("b");

        await using var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);

        Assert.Null(await ledger.TryGetAsync("b", TestRuns.Token));
        Assert.Equal([null], await ledger.TryGetManyAsync(["b"], TestRuns.Token));
        await ledger.AppendAsync("b", 2, TestRuns.Token);
        Assert.Equal(2, ledger.Count);
        Assert.Equal(2, (await ledger.TryGetAsync("b", TestRuns.Token))!.GetValue<int>());
        Assert.Equal(["a=1", "b=2"], (await ToListAsync(ledger)).Select(r => $"{r.Key}={r.Value}"));
    }

    [Fact]
    public async Task Open_KeyWhoseHashCollidesWithAnotherKey_IsFoundAndReplacedAfterEachReopen()
    {
        await WriteAsync(("a", 1));
        GiveEveryStoredKeyTheHashOf("b");

        await using (var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token))
        {
            await ledger.AppendAsync("b", 2, TestRuns.Token);
            await ledger.AppendAsync("b", 20, TestRuns.Token);
            Assert.Equal(2, ledger.Count);
            Assert.Equal(20, (await ledger.TryGetAsync("b", TestRuns.Token))!.GetValue<int>());
        }

        await using (var reopened = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token))
        {
            Assert.Equal(2, reopened.Count);
            Assert.Equal([20, null], (await reopened.TryGetManyAsync(["b", "c"], TestRuns.Token)).Select(n => n?.GetValue<int>()));
            await reopened.AppendAsync("b", 200, TestRuns.Token);
            Assert.Equal(2, reopened.Count);
        }

        await using var again = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        Assert.Equal(2, again.Count);
        Assert.Equal(200, (await again.TryGetAsync("b", TestRuns.Token))!.GetValue<int>());
        Assert.Equal(["a=1", "b=200"], (await ToListAsync(again)).Select(r => $"{r.Key}={r.Value}"));
    }

    [Fact]
    public async Task Append_SameKeysFromManyConcurrentAppenders_LeavesOneRowPerKeyInBothTables()
    {
        await using (var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token))
        {
            await Task.WhenAll(Enumerable.Range(0, 32).Select(t => Task.Run(async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await ledger.AppendAsync($"k{i % 7}", t * 1000 + i, TestRuns.Token);
                }
            })));

            Assert.Equal(7, ledger.Count);
            Assert.True(ledger.Transactions < 3200, "no two appends shared a transaction, so no batch held a key twice");
            Assert.All(await ledger.TryGetManyAsync([.. Enumerable.Range(0, 7).Select(i => $"k{i}")], TestRuns.Token), Assert.NotNull);
        }

        using var connection = OpenRaw();
        Assert.Equal(7L, Scalar(connection, "SELECT count(*) FROM records"));
        Assert.Equal(7L, Scalar(connection, "SELECT count(*) FROM key_hashes"));
        Assert.Equal(7L, Scalar(connection, "SELECT count(*) FROM records JOIN key_hashes USING (seq)"));
    }

    [Fact]
    public async Task TryGet_WhileTheKeyIsBeingReplaced_NeverMissesIt()
    {
        await using var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        await ledger.AppendAsync("hot", 0, TestRuns.Token);
        using var done = new CancellationTokenSource();

        var writer = Task.Run(async () =>
        {
            try
            {
                for (var i = 1; i <= 3000; i++)
                {
                    await ledger.AppendAsync("hot", i, TestRuns.Token);
                }
            }
            finally
            {
                await done.CancelAsync();
            }
        }, TestRuns.Token);
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            var last = 0;
            while (!done.IsCancellationRequested)
            {
                var found = r == 0
                    ? await ledger.TryGetAsync("hot", TestRuns.Token)
                    : (await ledger.TryGetManyAsync(["hot", "cold", "hot"], TestRuns.Token))[2];
                Assert.NotNull(found);
                Assert.True(found.GetValue<int>() >= last, "a read went back in time");
                last = found.GetValue<int>();
            }
        }, TestRuns.Token));

        await Task.WhenAll([writer, .. readers]);
        Assert.Equal(3000, (await ledger.TryGetAsync("hot", TestRuns.Token))!.GetValue<int>());
    }

    [Fact]
    public async Task TryGetMany_MoreKeysThanOneQueryAsksFor_AnswersEveryKeyInOrder()
    {
        await using var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        for (var i = 0; i < 1000; i += 2)
        {
            await ledger.AppendAsync($"k{i}", i, TestRuns.Token);
        }

        var keys = Enumerable.Range(0, 1000).Select(i => $"k{i}").Concat(["k0", "k998", "k999"]).ToList();

        var found = await ledger.TryGetManyAsync(keys, TestRuns.Token);

        Assert.Equal(keys.Count, found.Count);
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(i % 2 == 0 ? i : null, found[i]?.GetValue<int>()));
        Assert.Equal([0, 998, null], found.Skip(1000).Select(n => n?.GetValue<int>()));
        Assert.NotSame(found[0], found[1000]);
    }

    [Fact]
    public async Task Compact_AfterLargeRecordsWereReplacedBySmallOnes_ShrinksTheFile()
    {
        await using var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        var text = new string('x', 2_000);
        for (var i = 0; i < 1_000; i++)
        {
            await ledger.AppendAsync($"k{i % 500}", i < 500 ? new JsonObject { ["text"] = text } : i, TestRuns.Token);
        }

        await ledger.FlushAsync(TestRuns.Token);
        var before = new FileInfo(LedgerPath).Length;

        await ledger.CompactAsync(TestRuns.Token);

        Assert.True(new FileInfo(LedgerPath).Length < before / 4, $"compaction left {new FileInfo(LedgerPath).Length} of {before} bytes");
        Assert.Equal(500, ledger.Count);
        Assert.Equal(999, (await ledger.TryGetAsync("k499", TestRuns.Token))!.GetValue<int>());
    }

    private async Task WriteAsync(params (string Key, int Value)[] records)
    {
        await using var ledger = await SqliteLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        foreach (var (key, value) in records)
        {
            await ledger.AppendAsync(key, value, TestRuns.Token);
        }
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection($"Data Source={LedgerPath};Pooling=False");
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    // As if the stored keys collided with key: to the ledger, key now shares their hash.
    private void GiveEveryStoredKeyTheHashOf(string key)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE key_hashes SET hash = $hash";
        command.Parameters.AddWithValue("$hash", SqliteFormat.Hash(System.Text.Encoding.UTF8.GetBytes(key)));
        command.ExecuteNonQuery();
    }
}
