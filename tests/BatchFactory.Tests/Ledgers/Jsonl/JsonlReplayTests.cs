using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Ledgers;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Ledgers.Jsonl;

/// <summary>
/// Opening a JSONL ledger reads its records in parts on several workers. These tests prove that the parts give what
/// one read from start to end gives: the same records in file order, and the same first bad line with its line number
/// in the file, told apart as torn (the last line) or corrupt (lines follow it, in its part or the next).
/// </summary>
public sealed class JsonlReplayTests : IDisposable
{
    private const int Records = 1000;
    private readonly TempFolder _folder = new();

    private string LedgerPath => _folder["ledger.jsonl"];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ReadInParts_GivesTheSameRecordsInFileOrder_AsOneRead()
    {
        var (start, end) = Write(Lines());

        var whole = Read(start, end, workers: 1);
        var parts = Read(start, end, workers: 4);

        Assert.True(parts.Parts.Count > 1, "the file should have been cut into parts");
        Assert.Equal(Records, parts.Count);
        Assert.Equal(whole.Parts.SelectMany(p => p), parts.Parts.SelectMany(p => p));
        Assert.Null(parts.Bad);
    }

    [Fact]
    public void BadLineInALaterPart_IsCorrupt_WithItsLineNumberInTheFile()
    {
        var lines = Lines();
        lines[800] = "not a record";
        var (start, end) = Write(lines);

        var result = Read(start, end, workers: 4);

        Assert.Equal(802, result.Bad!.Value.Number); // line 1 is the header
        Assert.True(result.LinesAfterBad);
        Assert.Equal(800, result.Count);
    }

    [Fact]
    public void BadLastLineOfAPart_IsCorrupt_BecauseTheNextPartFollowsIt()
    {
        var lines = Lines();
        var (start, end) = Write(lines);
        var middle = start + ((end - start) / 2);
        var offset = start;
        var cut = 0;
        while (offset + Encoding.UTF8.GetByteCount(lines[cut]) + 1 <= middle)
        {
            offset += Encoding.UTF8.GetByteCount(lines[cut++]) + 1;
        }

        // The line holding the middle of the data ends the first of two parts; spoil it without changing its length.
        lines[cut] = "x" + lines[cut][1..];
        Write(lines);

        var result = Read(start, end, workers: 2);

        Assert.Single(result.Parts);
        Assert.Equal(cut, result.Count);
        Assert.Equal(cut + 2, result.Bad!.Value.Number);
        Assert.True(result.LinesAfterBad);
    }

    [Fact]
    public void UnfinishedLastLine_IsTorn_NotCorrupt()
    {
        var lines = Lines();
        var (start, end) = Write(lines, lastNewline: false);

        var result = Read(start, end, workers: 4);

        Assert.Equal(Records + 1, result.Bad!.Value.Number);
        Assert.False(result.Bad.Value.Terminated);
        Assert.False(result.LinesAfterBad);
        Assert.Equal(Records - 1, result.Count);
    }

    [Fact]
    public async Task LedgerOfSeveralMegabytes_WithADamagedRecordLateInIt_FailsToOpenNamingThatLine()
    {
        await using (var ledger = await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token))
        {
            for (var i = 0; i < 15_000; i++)
            {
                await ledger.AppendAsync($"key-{i}", new JsonObject { ["text"] = new string('w', 180), ["n"] = i }, TestRuns.Token);
            }
        }

        var lines = File.ReadAllLines(LedgerPath);
        lines[12_000] = "{" + lines[12_000][2..];
        File.WriteAllText(LedgerPath, string.Join('\n', lines) + "\n");

        var ex = await Assert.ThrowsAsync<LedgerCorruptException>(() => JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token).AsTask());

        Assert.Equal(12_001, ex.Line);
        Assert.Contains("line 12001", ex.Message);
    }

    [Fact]
    public async Task LedgerThatRewritesFewKeys_HoldsAnIndexForItsKeys_NotForItsRecords()
    {
        var lines = Enumerable.Range(0, 50_000).Select(i => Encoding.UTF8.GetString(JsonlFormat.Line($"key-{i % 10}", new JsonObject { ["n"] = i }))[..^1]).ToArray();
        Write(lines);

        await using var ledger = await JsonlLedger.OpenAsync(LedgerPath, null, TestRuns.Token);

        Assert.Equal(10, ledger.Count);
        Assert.Equal(49_990, (await ledger.TryGetAsync("key-0", TestRuns.Token))!["n"]!.GetValue<int>());
        Assert.True(ledger.IndexCapacity < 1_000, $"the index has room for {ledger.IndexCapacity} keys, for 10 keys");
    }

    private static string[] Lines() =>
        [.. Enumerable.Range(0, Records).Select(i => Encoding.UTF8.GetString(JsonlFormat.Line($"key-{i}", new JsonObject { ["n"] = i, ["text"] = new string('t', i % 50) }))[..^1])];

    // Writes the header and the lines; returns where the records start and the file's length.
    private (long Start, long End) Write(string[] lines, bool lastNewline = true)
    {
        var header = Encoding.UTF8.GetString(JsonlFormat.Header);
        File.WriteAllText(LedgerPath, header + string.Join('\n', lines) + (lastNewline ? "\n" : ""));
        return (JsonlFormat.Header.Length, new FileInfo(LedgerPath).Length);
    }

    private JsonlReplay.Result Read(long start, long end, int workers)
    {
        using var file = File.OpenHandle(LedgerPath);
        return JsonlReplay.Read(file, start, end, 2, TestRuns.Token, workers, minPartSize: 1);
    }
}
