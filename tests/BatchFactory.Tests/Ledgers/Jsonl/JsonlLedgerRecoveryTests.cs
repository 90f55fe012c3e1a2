using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Tests.Support;
using Microsoft.Extensions.Logging;

namespace BatchFactory.Tests.Ledgers.Jsonl;

/// <summary>What the JSONL ledger does with files that were torn, damaged, foreign or written by a newer version.</summary>
public sealed class JsonlLedgerRecoveryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string LedgerPath => _folder["ledger.jsonl"];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task File_IsHumanReadableJsonLines_WithAHeader()
    {
        await WriteAsync(("a", 1), ("b", 2));

        var lines = File.ReadAllLines(LedgerPath);

        Assert.Equal(["""{"ledger":"batchfactory","format":1}""", """{"k":"a","v":1}""", """{"k":"b","v":2}"""], lines);
    }

    [Fact]
    public async Task Open_TornLastRecord_SkipsItWarnsAndRepairsTheFileForLaterAppends()
    {
        await WriteAsync(("a", 1), ("b", 2));
        File.AppendAllText(LedgerPath, """{"k":"c","v":{"text":"cut of""");
        var logger = new ListLogger();

        await using (var ledger = await JsonlLedger.OpenAsync(LedgerPath, new LedgerOptions { Logger = logger }, TestRuns.Token))
        {
            Assert.Equal(2, ledger.Count);
            Assert.Null(await ledger.TryGetAsync("c", TestRuns.Token));
            await ledger.AppendAsync("d", 4, TestRuns.Token);
        }

        var warning = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("line 4", warning.Message);
        Assert.Contains(LedgerPath, warning.Message);
        Assert.Contains("cut of", File.ReadAllText(LedgerPath + ".torn"));
        await using var reopened = await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        Assert.Equal(3, reopened.Count);
        Assert.Equal(4, (await reopened.TryGetAsync("d", TestRuns.Token))!.GetValue<int>());
    }

    [Fact]
    public async Task Open_TornHeaderOfANewLedger_StartsAFreshLedger()
    {
        File.WriteAllText(LedgerPath, """{"ledger":"batchf""");

        await using var ledger = await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        await ledger.AppendAsync("a", 1, TestRuns.Token);

        Assert.Equal(1, ledger.Count);
        Assert.StartsWith("""{"ledger":"batchfactory","format":1}""", File.ReadAllText(LedgerPath));
    }

    [Fact]
    public async Task Open_CorruptRecordInTheMiddle_ThrowsNamingFileLineAndOffset_AndChangesNothing()
    {
        await WriteAsync(("a", 1), ("b", 2), ("c", 3));
        var lines = File.ReadAllLines(LedgerPath);
        lines[2] = """{"k":"b","v":2""";
        File.WriteAllLines(LedgerPath, lines);
        var ex = await LedgerAssert.RefusedUnchangedAsync<LedgerCorruptException>(LedgerPath, async () => await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token));

        Assert.Equal(3, ex.Line);
        Assert.Equal(Encoding.UTF8.GetByteCount(lines[0] + "\n" + lines[1] + "\n"), ex.Offset);
        Assert.Contains(LedgerPath, ex.Message);
        Assert.Contains("line 3", ex.Message);
        Assert.Contains("RepairAsync", ex.Message);
    }

    [Fact]
    public async Task Repair_CorruptLines_KeepsEveryReadableRecordAndBacksUpTheOriginal()
    {
        await WriteAsync(("a", 1), ("b", 2), ("c", 3), ("d", 4));
        var lines = File.ReadAllLines(LedgerPath);
        lines[2] = "garbage";
        lines[4] = "[1,2]";
        File.WriteAllLines(LedgerPath, lines);
        var original = File.ReadAllBytes(LedgerPath);

        var report = await JsonlLedger.RepairAsync(LedgerPath, TestRuns.Token);

        Assert.Equal([3L, 5L], report.RemovedLines);
        Assert.Equal(2, report.KeptRecords);
        Assert.Equal(original, File.ReadAllBytes(report.BackupPath!));
        await using var ledger = await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        Assert.Equal(["a", "c"], (await ToListAsync(ledger)).Select(r => r.Key));
    }

    [Fact]
    public async Task Repair_HealthyLedger_LeavesItUntouchedWithoutBackup()
    {
        await WriteAsync(("a", 1));
        var before = File.ReadAllBytes(LedgerPath);

        var report = await JsonlLedger.RepairAsync(LedgerPath, TestRuns.Token);

        Assert.Empty(report.RemovedLines);
        Assert.Null(report.BackupPath);
        Assert.Equal(before, File.ReadAllBytes(LedgerPath));
    }

    [Fact]
    public async Task Open_LedgerFromANewerFormat_IsRefusedAndLeftAlone()
    {
        File.WriteAllText(LedgerPath, "{\"ledger\":\"batchfactory\",\"format\":2}\n{\"k\":\"a\",\"v\":1}\n");

        var ex = await Assert.ThrowsAsync<LedgerException>(async () => await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token));

        Assert.Contains("newer", ex.Message);
        Assert.Contains("format 2", ex.Message);
        Assert.Equal("{\"ledger\":\"batchfactory\",\"format\":2}\n{\"k\":\"a\",\"v\":1}\n", File.ReadAllText(LedgerPath));
    }

    [Fact]
    public async Task Open_FileThatIsNotALedger_IsRefusedAndLeftAlone()
    {
        File.WriteAllText(LedgerPath, "{\"name\":\"someone else's data\"}\n{\"n\":2}\n");

        var ex = await Assert.ThrowsAnyAsync<LedgerException>(async () => await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token));

        Assert.Contains("not a BatchFactory ledger", ex.Message);
        Assert.Equal("{\"name\":\"someone else's data\"}\n{\"n\":2}\n", File.ReadAllText(LedgerPath));
    }

    [Fact]
    public async Task Open_OneLineFileWithoutNewlineThatIsNotALedger_IsRefusedAndLeftAlone()
    {
        // Regression: such a line was taken for a torn header, moved aside, and the file rewritten as a new ledger.
        File.WriteAllText(LedgerPath, """{"minified":"json","n":1}""");

        var ex = await LedgerAssert.RefusedUnchangedAsync<LedgerCorruptException>(LedgerPath, async () => await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token));

        Assert.Contains("not a BatchFactory ledger", ex.Message);
        Assert.False(File.Exists(LedgerPath + ".torn"));
    }

    [Fact]
    public async Task OpenAndRepair_NewerFormatWithRecordsThisVersionCannotRead_SayNewerNotCorrupt()
    {
        // Regression: the unreadable records were reported as corruption, with advice to repair (which dropped them).
        File.WriteAllText(LedgerPath, "{\"ledger\":\"batchfactory\",\"format\":2}\n[\"a record in a future shape\"]\n{\"k\":\"a\",\"v\":1}\n");

        var open = await LedgerAssert.RefusedUnchangedAsync<LedgerException>(LedgerPath, async () => await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token));
        var repair = await LedgerAssert.RefusedUnchangedAsync<LedgerException>(LedgerPath, async () => await JsonlLedger.RepairAsync(LedgerPath, TestRuns.Token));

        Assert.Contains("newer", open.Message);
        Assert.Contains("newer", repair.Message);
        Assert.False(File.Exists(LedgerPath + ".repair"));
    }

    [Fact]
    public async Task Append_DiskFullMidWrite_FailsWithLedgerException_AndKeepsEverythingWrittenBefore()
    {
        FailingStream? failing = null;
        var options = new LedgerOptions { WrapStream = s => failing = new FailingStream(s) };
        await using (var ledger = await JsonlLedger.OpenAsync(LedgerPath, options, TestRuns.Token))
        {
            await ledger.AppendAsync("a", new JsonObject { ["text"] = "kept" }, TestRuns.Token);
            failing!.FailAfterBytes = 0;

            var ex = await Assert.ThrowsAsync<LedgerException>(async () => await ledger.AppendAsync("b", new JsonObject { ["text"] = "lost" }, TestRuns.Token));
            Assert.Contains("No space left on device", ex.Message);
            Assert.Contains(LedgerPath, ex.Message);
            await Assert.ThrowsAsync<LedgerException>(async () => await ledger.AppendAsync("c", 3, TestRuns.Token));
            Assert.Equal("kept", (await ledger.TryGetAsync("a", TestRuns.Token))!["text"]!.GetValue<string>());
        }

        var logger = new ListLogger();
        await using var reopened = await JsonlLedger.OpenAsync(LedgerPath, new LedgerOptions { Logger = logger }, TestRuns.Token);
        Assert.Equal(["a"], (await ToListAsync(reopened)).Select(r => r.Key));
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public async Task Open_ManyDuplicateKeysAndHashCollisionFreeKeys_CountsDistinctKeys()
    {
        await using (var ledger = await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token))
        {
            for (var i = 0; i < 3000; i++)
            {
                await ledger.AppendAsync($"{i % 1000:x}", i, TestRuns.Token);
            }
        }

        await using var reopened = await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        Assert.Equal(1000, reopened.Count);
        Assert.Equal(2999, (await reopened.TryGetAsync($"{999:x}", TestRuns.Token))!.GetValue<int>());
    }

    private async Task WriteAsync(params (string Key, int Value)[] records)
    {
        await using var ledger = await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token);
        foreach (var (key, value) in records)
        {
            await ledger.AppendAsync(key, value, TestRuns.Token);
        }
    }

    private static async Task<List<LedgerRecord>> ToListAsync(ILedger ledger)
    {
        var records = new List<LedgerRecord>();
        await foreach (var record in ledger.EnumerateAsync(TestRuns.Token))
        {
            records.Add(record);
        }

        return records;
    }
}
