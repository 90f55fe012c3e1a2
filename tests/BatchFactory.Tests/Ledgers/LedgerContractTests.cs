using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Ledgers;

/// <summary>
/// The ledger contract: every backend derives a test class from this one, giving its <see cref="LedgerBackend"/>, and
/// must pass all of it.
/// </summary>
public abstract class LedgerContractTests(LedgerBackend backend) : IDisposable
{
    protected TempFolder Folder { get; } = new();

    /// <summary>The backend under test.</summary>
    protected LedgerBackend Backend { get; } = backend;

    /// <summary>
    /// Whether the backend keeps each ledger in a file in <see cref="LedgerLocation.Folder"/> whose path is
    /// <see cref="ILedger.Location"/>; one that is not (a database server) overrides this with <see langword="false"/>
    /// and skips the checks on files.
    /// </summary>
    protected virtual bool FileBased => true;

    /// <summary>
    /// Whether any number of processes may have a ledger open for writing at once (a database server shared by the
    /// workers of a run); the file backends refuse a second opener instead.
    /// </summary>
    protected virtual bool SharedByProcesses => false;

    /// <summary>The ledger most tests open, in <see cref="Folder"/>.</summary>
    protected LedgerLocation Location => new("contract", "1", "ledger", Folder.Path);

    protected ValueTask<ILedger> OpenAsync(LedgerOptions? options = null) => OpenAsync(Location, options);

    protected ValueTask<ILedger> OpenAsync(LedgerLocation location, LedgerOptions? options = null) =>
        Backend.OpenAsync(location, options ?? new LedgerOptions(), TestRuns.Token);

    public void Dispose()
    {
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Append_ThenTryGet_ReturnsTheRecord()
    {
        await using var ledger = await OpenAsync();
        await ledger.AppendAsync("a", new JsonObject { ["n"] = 1, ["s"] = "one" }, TestRuns.Token);

        var found = await ledger.TryGetAsync("a", TestRuns.Token);

        Assert.Equal("""{"n":1,"s":"one"}""", found!.ToJsonString());
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public async Task TryGet_KeyNeverAppended_ReturnsNull()
    {
        await using var ledger = await OpenAsync();
        await ledger.AppendAsync("a", 1, TestRuns.Token);

        Assert.Null(await ledger.TryGetAsync("b", TestRuns.Token));
    }

    [Fact]
    public async Task Append_SameKeyTwice_LastWriteWins()
    {
        await using var ledger = await OpenAsync();
        await ledger.AppendAsync("a", "first", TestRuns.Token);
        await ledger.AppendAsync("b", "other", TestRuns.Token);
        await ledger.AppendAsync("a", "second", TestRuns.Token);

        Assert.Equal("second", (await ledger.TryGetAsync("a", TestRuns.Token))!.GetValue<string>());
        Assert.Equal(2, ledger.Count);
    }

    [Fact]
    public async Task Reopen_AfterDispose_KeepsEveryRecordAndLastWriteWins()
    {
        await using (var ledger = await OpenAsync())
        {
            for (var i = 0; i < 100; i++)
            {
                await ledger.AppendAsync($"k{i % 40}", i, TestRuns.Token);
            }
        }

        await using var reopened = await OpenAsync();

        Assert.Equal(40, reopened.Count);
        Assert.Equal(99, (await reopened.TryGetAsync("k19", TestRuns.Token))!.GetValue<int>());
        Assert.Equal(60, (await reopened.TryGetAsync("k20", TestRuns.Token))!.GetValue<int>());
    }

    [Fact]
    public async Task Append_FromManyConcurrentTasks_EveryRecordLands()
    {
        const int tasks = 32, each = 200;
        await using (var ledger = await OpenAsync())
        {
            await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
            {
                for (var i = 0; i < each; i++)
                {
                    await ledger.AppendAsync($"t{t}-{i}", new JsonObject { ["t"] = t, ["i"] = i }, TestRuns.Token);
                }
            })));
            Assert.Equal(tasks * each, ledger.Count);
        }

        await using var reopened = await OpenAsync();
        Assert.Equal(tasks * each, reopened.Count);
        var keys = Enumerable.Range(0, tasks).SelectMany(t => Enumerable.Range(0, each).Select(i => $"t{t}-{i}")).ToList();
        var found = await reopened.TryGetManyAsync(keys, TestRuns.Token);
        Assert.All(found.Zip(keys), pair => Assert.Equal(pair.Second, $"t{pair.First!["t"]}-{pair.First["i"]}"));
    }

    [Fact]
    public async Task Append_ConcurrentWritersOfOneKey_ReadersSeeOneOfTheirRecords()
    {
        await using var ledger = await OpenAsync();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await ledger.AppendAsync("shared", t * 1000 + i, TestRuns.Token);
                Assert.NotNull(await ledger.TryGetAsync("shared", TestRuns.Token));
            }
        })));

        Assert.Equal(1, ledger.Count);
        var last = (await ledger.TryGetAsync("shared", TestRuns.Token))!.GetValue<int>();
        Assert.Equal(49, last % 1000);
    }

    [Fact]
    public async Task Compact_KeepsTheLastRecordOfEachKey_BeforeAndAfterReopen()
    {
        await using (var ledger = await OpenAsync())
        {
            for (var i = 0; i < 300; i++)
            {
                await ledger.AppendAsync($"k{i % 30}", new JsonObject { ["i"] = i }, TestRuns.Token);
            }

            var before = FileBased ? new FileInfo(ledger.Location).Length : 0;
            await ledger.CompactAsync(TestRuns.Token);

            Assert.Equal(30, ledger.Count);
            Assert.Equal(299, (await ledger.TryGetAsync("k29", TestRuns.Token))!["i"]!.GetValue<int>());
            await ledger.AppendAsync("after", 1, TestRuns.Token);
            Assert.Equal(31, ledger.Count);
            Assert.True(!FileBased || new FileInfo(ledger.Location).Length <= before, "compaction did not shrink the ledger");
        }

        await using var reopened = await OpenAsync();
        Assert.Equal(31, reopened.Count);
        Assert.Equal(270, (await reopened.TryGetAsync("k0", TestRuns.Token))!["i"]!.GetValue<int>());
        Assert.Equal(1, (await reopened.TryGetAsync("after", TestRuns.Token))!.GetValue<int>());
    }

    [Fact]
    public async Task TryGet_AfterTheFileGrewSeveralMegabytes_FindsOldAndNewRecords_AndAfterCompactingAndReopening()
    {
        // Enough data that a JSONL ledger's read map is made, outgrown and made again while records keep coming.
        var filler = new string('x', 1000);
        await using (var ledger = await OpenAsync())
        {
            for (var i = 0; i < 4000; i++)
            {
                await ledger.AppendAsync($"k{i}", new JsonObject { ["i"] = i, ["pad"] = filler }, TestRuns.Token);
                if (i % 500 == 0)
                {
                    Assert.Equal(i / 2, (await ledger.TryGetAsync($"k{i / 2}", TestRuns.Token))!["i"]!.GetValue<int>());
                }
            }

            for (var i = 0; i < 4000; i += 97)
            {
                Assert.Equal(i, (await ledger.TryGetAsync($"k{i}", TestRuns.Token))!["i"]!.GetValue<int>());
            }

            await ledger.AppendAsync("k0", new JsonObject { ["i"] = -1 }, TestRuns.Token);
            await ledger.CompactAsync(TestRuns.Token);
            Assert.Equal(-1, (await ledger.TryGetAsync("k0", TestRuns.Token))!["i"]!.GetValue<int>());
            Assert.Equal(3999, (await ledger.TryGetAsync("k3999", TestRuns.Token))!["i"]!.GetValue<int>());
        }

        await using var reopened = await OpenAsync();
        Assert.Equal(4000, reopened.Count);
        Assert.Equal(1234, (await reopened.TryGetAsync("k1234", TestRuns.Token))!["i"]!.GetValue<int>());
        Assert.Equal(-1, (await reopened.TryGetAsync("k0", TestRuns.Token))!["i"]!.GetValue<int>());
    }

    [Fact]
    public async Task Append_LargeValue_RoundTripsAfterReopen()
    {
        var big = string.Concat(Enumerable.Range(0, 200_000).Select(i => (char)('a' + i % 26))) + "\n\"end\"";
        await using (var ledger = await OpenAsync())
        {
            await ledger.AppendAsync("big", new JsonObject { ["text"] = big, ["list"] = new JsonArray([.. Enumerable.Range(0, 10_000).Select(i => (JsonNode)i)]) }, TestRuns.Token);
            await ledger.AppendAsync("small", 1, TestRuns.Token);
        }

        await using var reopened = await OpenAsync();
        var found = (await reopened.TryGetAsync("big", TestRuns.Token))!;
        Assert.Equal(big, found["text"]!.GetValue<string>());
        Assert.Equal(10_000, found["list"]!.AsArray().Count);
        Assert.Equal(1, (await reopened.TryGetAsync("small", TestRuns.Token))!.GetValue<int>());
    }

    [Theory]
    [InlineData("ключ")]
    [InlineData("键🔑")]
    [InlineData("a\"b\\c\nd\te")]
    [InlineData("e\u0301 vs é")]
    public async Task Append_UnicodeAndEscapedKeysAndValues_RoundTripAfterReopen(string key)
    {
        await using (var ledger = await OpenAsync())
        {
            await ledger.AppendAsync(key, new JsonObject { ["text"] = key + " → 値 \u0000 \u2028" }, TestRuns.Token);
        }

        await using var reopened = await OpenAsync();
        Assert.Equal(key + " → 値 \u0000 \u2028", (await reopened.TryGetAsync(key, TestRuns.Token))!["text"]!.GetValue<string>());
        var record = Assert.Single(await ToListAsync(reopened));
        Assert.Equal(key, record.Key);
    }

    [Fact]
    public async Task Enumerate_YieldsTheCurrentRecordOfEachKeyInAppendOrder()
    {
        await using var ledger = await OpenAsync();
        await ledger.AppendAsync("a", 1, TestRuns.Token);
        await ledger.AppendAsync("b", 2, TestRuns.Token);
        await ledger.AppendAsync("c", 3, TestRuns.Token);
        await ledger.AppendAsync("a", 4, TestRuns.Token);

        var records = await ToListAsync(ledger);

        Assert.Equal(["b=2", "c=3", "a=4"], records.Select(r => $"{r.Key}={r.Value}"));
    }

    [Fact]
    public async Task Enumerate_ManyRecords_YieldsEachKeyOnce()
    {
        await using var ledger = await OpenAsync();
        for (var i = 0; i < 5000; i++)
        {
            await ledger.AppendAsync($"k{i % 2500}", i, TestRuns.Token);
        }

        var records = await ToListAsync(ledger);

        Assert.Equal(2500, records.Count);
        Assert.Equal(2500, records.Select(r => r.Key).Distinct().Count());
        Assert.All(records, r => Assert.True(r.Value.GetValue<int>() >= 2500));
    }

    [Fact]
    public async Task TryGetMany_MixOfPresentAndMissingKeys_AnswersInTheOrderAsked()
    {
        await using var ledger = await OpenAsync();
        await ledger.AppendAsync("a", "A", TestRuns.Token);
        await ledger.AppendAsync("c", "C", TestRuns.Token);

        var found = await ledger.TryGetManyAsync(["c", "b", "a", "c"], TestRuns.Token);

        Assert.Equal(["C", null, "A", "C"], found.Select(n => n?.GetValue<string>()));
    }

    [Fact]
    public async Task Append_ValueChangedAfterwards_StoresTheValueAsItWas()
    {
        await using var ledger = await OpenAsync();
        var value = new JsonObject { ["n"] = 1 };
        await ledger.AppendAsync("a", value, TestRuns.Token);
        value["n"] = 2;

        var found = (await ledger.TryGetAsync("a", TestRuns.Token))!;
        found["n"] = 3;

        Assert.Equal(1, (await ledger.TryGetAsync("a", TestRuns.Token))!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Append_EmptyKey_IsRefused()
    {
        await using var ledger = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.AppendAsync("", 1, TestRuns.Token));
    }

    [Fact]
    public async Task Append_AfterDispose_ThrowsObjectDisposed()
    {
        var ledger = await OpenAsync();
        await ledger.DisposeAsync();
        await ledger.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await ledger.AppendAsync("a", 1, TestRuns.Token));
    }

    [Fact]
    public async Task Open_WhileAlreadyOpenForWriting_IsRefusedNamingTheFile()
    {
        Assert.SkipWhen(SharedByProcesses, "The backend is shared by many writers.");
        await using var first = await OpenAsync();

        var ex = await Assert.ThrowsAnyAsync<LedgerException>(async () => await OpenAsync());

        Assert.Contains(first.Location, ex.Message);
        Assert.Contains("already open", ex.Message);
        await first.AppendAsync("still", "works", TestRuns.Token);
        Assert.Equal(1, first.Count);
    }

    [Fact]
    public async Task Open_Shared_TwoWritersSeeEachOthersRecords()
    {
        Assert.SkipUnless(SharedByProcesses, "The backend allows one writer at a time.");
        await using var first = await OpenAsync();
        await using var second = await OpenAsync();

        await first.AppendAsync("a", 1, TestRuns.Token);
        await second.AppendAsync("b", 2, TestRuns.Token);
        await second.AppendAsync("a", 3, TestRuns.Token);

        Assert.Equal(3, (await first.TryGetAsync("a", TestRuns.Token))!.GetValue<int>());
        Assert.Equal(["b=2", "a=3"], (await ToListAsync(first)).Select(r => $"{r.Key}={r.Value}"));
    }

    [Fact]
    public async Task Open_AfterTheOtherHolderDisposed_Succeeds()
    {
        await (await OpenAsync()).DisposeAsync();

        await using var second = await OpenAsync();

        Assert.Equal(0, second.Count);
    }

    [Fact]
    public async Task Open_FolderCannotBeCreated_ThrowsLedgerExceptionNamingThePath()
    {
        Assert.SkipUnless(FileBased, "The backend keeps no files.");
        File.WriteAllText(Folder["not-a-folder"], "x");
        var location = new LedgerLocation("contract", "1", "ledger", Folder["not-a-folder"]);

        var ex = await Assert.ThrowsAnyAsync<LedgerException>(async () => await OpenAsync(location));

        Assert.Contains(location.Folder, ex.Message);
    }

    [Fact]
    public async Task Open_FileBased_KeepsTheLedgerInItsFolderUnderItsName()
    {
        Assert.SkipUnless(FileBased, "The backend keeps no files.");

        await using var ledger = await OpenAsync();

        Assert.Equal(Folder.Path, Path.GetDirectoryName(ledger.Location));
        Assert.StartsWith("ledger.", Path.GetFileName(ledger.Location), StringComparison.Ordinal);
        Assert.True(File.Exists(ledger.Location));
    }

    [Fact]
    public async Task Open_TwoNamesInOneFolder_AreTwoLedgers()
    {
        await using var calls = await OpenAsync(new LedgerLocation("contract", "1", "calls", Folder.Path));
        await using var checkpoints = await OpenAsync(new LedgerLocation("contract", "1", "checkpoints", Folder.Path));
        await calls.AppendAsync("a", 1, TestRuns.Token);

        Assert.Null(await checkpoints.TryGetAsync("a", TestRuns.Token));
        Assert.NotEqual(calls.Location, checkpoints.Location);
    }

    [Fact]
    public void ToString_GivesTheBackendsName()
    {
        Assert.False(string.IsNullOrWhiteSpace(Backend.Name));
        Assert.Equal(Backend.Name, Backend.ToString());
    }

    [Fact]
    public async Task Durable_AppendsAndFlush_AreKeptAfterReopen()
    {
        await using (var ledger = await OpenAsync(new LedgerOptions { Durable = true }))
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(i => ledger.AppendAsync($"k{i}", i, TestRuns.Token).AsTask()));
            await ledger.FlushAsync(TestRuns.Token);
        }

        await using var reopened = await OpenAsync();
        Assert.Equal(50, reopened.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Replay_RandomAppendsAndCompactions_MatchesADictionaryEveryTimeItIsOpened(int seed)
    {
        var random = new Random(seed);
        var model = new Dictionary<string, int>();
        await using (var ledger = await OpenAsync())
        {
            for (var i = 0; i < 2000; i++)
            {
                var key = $"key-{random.Next(300)}";
                model[key] = i;
                await ledger.AppendAsync(key, i, TestRuns.Token);
                if (random.Next(500) == 0)
                {
                    await ledger.CompactAsync(TestRuns.Token);
                }
            }
        }

        for (var open = 0; open < 2; open++)
        {
            await using var reopened = await OpenAsync();
            var state = (await ToListAsync(reopened)).ToDictionary(r => r.Key, r => r.Value.GetValue<int>());
            Assert.Equal(model.OrderBy(p => p.Key), state.OrderBy(p => p.Key));
            Assert.Equal(model.Count, reopened.Count);
        }
    }

    protected static async Task<List<LedgerRecord>> ToListAsync(ILedger ledger)
    {
        var records = new List<LedgerRecord>();
        await foreach (var record in ledger.EnumerateAsync(TestRuns.Token))
        {
            records.Add(record);
        }

        return records;
    }
}
