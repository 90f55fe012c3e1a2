using System.Text;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.IO.Jsonl;

public sealed class JsonlTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadJsonl_Lines_GivesOneEntryPerObjectInFileOrderSkippingBlankLines()
    {
        File.WriteAllText(_dir["in.jsonl"], "{\"n\":1,\"s\":\"a\"}\n\n{\"n\":2,\"s\":\"b\"}\r\n   \n{\"n\":3,\"s\":\"c\"}");

        var result = await (ReadJsonl(_dir["in.jsonl"]) | ToList("n", "s")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([new Row(1, "a"), new Row(2, "b"), new Row(3, "c")], result.Values<Row>());
    }

    [Fact]
    public async Task ReadJsonl_JsonArrayFile_GivesOneEntryPerItem()
    {
        File.WriteAllText(_dir["in.json"], "\uFEFF  [ {\"n\":1,\"s\":\"a\"},\n {\"n\":2,\"s\":\"b\"} ]");

        var result = await (ReadJsonl(_dir["in.json"]) | ToList("n", "s")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([new Row(1, "a"), new Row(2, "b")], result.Values<Row>());
    }

    [Fact]
    public async Task ReadJsonl_WithoutIdxKey_DerivesTheSameIdxAsFromListForTheSameData()
    {
        Row[] rows = [new(1, "a"), new(2, "b"), new(1, "a")];
        await (FromList(rows) | WriteJsonl(_dir["rows.jsonl"])).RunCheckedAsync(null, TestRuns.Token);

        var read = await (ReadJsonl(_dir["rows.jsonl"]) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);
        var listed = await (FromList(rows) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(listed.Entries.Select(e => e.Idx), read.Entries.Select(e => e.Idx));
        Assert.EndsWith("-2", read.Entries[2].Idx);
    }

    [Fact]
    public async Task ReadJsonl_IdxKey_TakesEachIdxFromThatField()
    {
        File.WriteAllText(_dir["in.jsonl"], "{\"id\":\"x\",\"n\":1}\n{\"id\":7,\"n\":2}\n");

        var result = await (ReadJsonl(_dir["in.jsonl"], idxKey: "id") | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["x", "7"], result.Entries.Select(e => e.Idx));
    }

    [Fact]
    public async Task ReadJsonl_MalformedLine_FailsNamingOpFileAndLine()
    {
        File.WriteAllText(_dir["in.jsonl"], "{\"n\":1}\n\n{\"n\":2,}\n{\"n\":3}\n");

        var ex = await (ReadJsonl(_dir["in.jsonl"]) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("ReadJsonl", ex.OpName);
        var inner = Assert.IsType<InputFileException>(ex.InnerException);
        Assert.Equal(3, inner.Line);
        Assert.Equal(_dir["in.jsonl"], inner.FilePath);
        Assert.Contains("in.jsonl', line 3", ex.Message);
    }

    [Fact]
    public async Task ReadJsonl_MalformedLine_ReportsTheFileLineAndColumnNotTheSerializersPosition()
    {
        File.WriteAllText(_dir["in.jsonl"], "{\"s\":\"a\"}\n{\"s\":\"caf\u00e9\",}\n");

        var ex = await (ReadJsonl(_dir["in.jsonl"]) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        var inner = Assert.IsType<InputFileException>(ex.InnerException);
        Assert.Equal(2, inner.Line);
        Assert.Equal(13, inner.Column);
        Assert.Contains("in.jsonl', line 2, column 13: not valid JSON:", inner.Message);
        Assert.DoesNotContain("LineNumber", ex.Message);
        Assert.DoesNotContain("BytePositionInLine", ex.Message);
        Assert.DoesNotContain("Path: $", ex.Message);
    }

    [Fact]
    public async Task ReadJsonl_MalformedArrayFile_ReportsTheFileLineAndColumnNotTheSerializersPosition()
    {
        File.WriteAllText(_dir["in.json"], "[\n  {\"n\": 1},\n  {\"n\": x}\n]\n");

        var ex = await (ReadJsonl(_dir["in.json"]) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        var inner = Assert.IsType<InputFileException>(ex.InnerException);
        Assert.Equal(3, inner.Line);
        Assert.Equal(9, inner.Column);
        Assert.Contains("in.json', line 3, column 9: not valid JSON:", inner.Message);
        Assert.DoesNotContain("LineNumber", ex.Message);
    }

    [Fact]
    public async Task ReadJsonl_LineThatIsNotAnObject_FailsNamingTheLine()
    {
        File.WriteAllText(_dir["in.jsonl"], "{\"n\":1}\n[1,2]\n");

        var ex = await (ReadJsonl(_dir["in.jsonl"]) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal(2, Assert.IsType<InputFileException>(ex.InnerException).Line);
        Assert.Contains("not a JSON object", ex.Message);
    }

    [Fact]
    public async Task ReadJsonl_SkipBadRows_SkipsThemAndCountsThemAsDropped()
    {
        File.WriteAllText(_dir["in.jsonl"], "{\"n\":1,\"s\":\"a\"}\nnot json\n42\n{\"n\":2,\"s\":\"b\"}\n");

        var result = await (ReadJsonl(_dir["in.jsonl"], onBadRow: BadRows.Skip) | ToList("n", "s")).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([new Row(1, "a"), new Row(2, "b")], result.Values<Row>());
        var stats = result.Nodes.Single(o => o.Name == "ReadJsonl");
        Assert.Equal(2, stats.Dropped);
        Assert.Equal(2, stats.Out);
    }

    [Fact]
    public async Task ReadJsonl_MissingFile_ThrowsInputFileExceptionBeforeTheRunStarts()
    {
        var built = false;
        var options = new RunOptions { OnMaterialized = _ => built = true };

        var ex = await Assert.ThrowsAsync<InputFileException>(() => (ReadJsonl(_dir["nope.jsonl"]) | OutputEntries()).RunAsync(options, TestRuns.Token));

        Assert.False(built);
        Assert.Contains("ReadJsonl", ex.Message);
        Assert.Contains(_dir["nope.jsonl"], ex.Message);
    }

    [Fact]
    public async Task ReadJsonl_MissingFileAtARelativePath_ThrowsInputFileExceptionNamingOpFullPathAndCurrentFolder()
    {
        var relative = Path.Combine("no-such-folder", "nope.jsonl");

        var ex = await Assert.ThrowsAsync<InputFileException>(() => (ReadJsonl(relative) | OutputEntries()).RunAsync(null, TestRuns.Token));

        Assert.Equal(Path.GetFullPath(relative), ex.FilePath);
        Assert.Null(ex.Line);
        Assert.StartsWith("ReadJsonl: the file '" + Path.GetFullPath(relative) + "' does not exist", ex.Message);
        Assert.Contains($"relative to the current folder, '{Environment.CurrentDirectory}'", ex.Message);
        Assert.Contains("project[\"no-such-folder/nope.jsonl\"]", ex.Message);
        Assert.IsType<FileNotFoundException>(ex.InnerException);
    }

    [Fact]
    public async Task ReadJsonl_FileThatIsNotUtf8_FailsNamingFileAndLine()
    {
        var latin1 = Encoding.Latin1.GetBytes("{\"s\":\"ok\"}\n{\"s\":\"caf\u00e9\"}\n");
        File.WriteAllBytes(_dir["in.jsonl"], latin1);

        var ex = await (ReadJsonl(_dir["in.jsonl"]) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        var inner = Assert.IsType<InputFileException>(ex.InnerException);
        Assert.Equal(2, inner.Line);
        Assert.Contains("not UTF-8", inner.Message);
    }

    [Fact]
    public async Task WriteJsonl_ThenReadJsonl_GivesTheSameEntriesWithTheSameIdx()
    {
        var rows = new[] { new { id = "r1", n = 1, tags = new[] { "x", "y" }, note = (string?)null }, new { id = "r2", n = 2, tags = Array.Empty<string>(), note = (string?)"caf\u00e9" } };
        var written = await (FromList(rows, idxKey: "id") | WriteJsonl(_dir["out/rows.jsonl"], idxKey: "idx") | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        var read = await (ReadJsonl(_dir["out/rows.jsonl"], idxKey: "idx") | RemoveField("idx") | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(written.Entries.Select(e => e.ToString()), read.Entries.Select(e => e.ToString()));
        Assert.Contains("caf\u00e9", File.ReadAllText(_dir["out/rows.jsonl"]));
    }

    [Fact]
    public async Task WriteJsonl_Keys_WritesOnlyThoseFieldsInThatOrder()
    {
        await (FromList(new[] { new { a = 1, b = 2, c = 3 } }) | WriteJsonl(_dir["out.jsonl"], keys: ["c", "a"])).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("{\"c\":3,\"a\":1}\n", File.ReadAllText(_dir["out.jsonl"]));
    }

    [Fact]
    public async Task WriteJsonl_EntriesArrivingOutOfOrder_AreWrittenAndPassedOnInStreamOrder()
    {
        // Entry 0 is held until entry 3 has passed, so the writer receives them out of order, whatever the timing.
        using var thirdDone = new ManualResetEventSlim();
        var g = FromList(Enumerable.Range(0, 4), outputKey: "n")
              | MapField((int n) => Hold(n, thirdDone), "n")
              | WriteJsonl(_dir["out.jsonl"])
              | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 4 }, TestRuns.Token);

        Assert.Equal(["{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}"], File.ReadAllLines(_dir["out.jsonl"]));
        Assert.Equal([0, 1, 2, 3], result.Values<int>());
    }

    [Fact]
    public async Task WriteJsonl_RunThatFails_LeavesTheOldFileAndNoTemporaryFiles()
    {
        File.WriteAllText(_dir["out.jsonl"], "old\n");
        var g = FromList(Enumerable.Range(0, 10), outputKey: "n")
              | MapField((int n) => n == 7 ? throw new InvalidOperationException("boom") : n, "n")
              | WriteJsonl(_dir["out.jsonl"]);

        await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("old\n", File.ReadAllText(_dir["out.jsonl"]));
        Assert.Equal([_dir["out.jsonl"]], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task WriteJsonl_CancelledRun_WritesNothing()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestRuns.Token);
        var g = FromList(Enumerable.Range(0, 10), outputKey: "n")
              | MapField((int n) => n == 5 ? Cancel(cts, n) : n, "n")
              | WriteJsonl(_dir["out.jsonl"]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => g.RunCheckedAsync(null, cts.Token));

        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task WriteJsonl_MissingKey_FailsNamingFieldAndIdx()
    {
        var g = FromList(new[] { new { id = "a", n = 1 } }, idxKey: "id") | WriteJsonl(_dir["out.jsonl"], keys: ["n", "m"]);

        var ex = await g.RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("a", ex.Idx);
        Assert.Equal("m", ex.Field);
        Assert.False(File.Exists(_dir["out.jsonl"]));
    }

    private static int Hold(int n, ManualResetEventSlim thirdDone)
    {
        if (n == 0)
        {
            thirdDone.Wait(TestRuns.Token);
        }
        else if (n == 3)
        {
            thirdDone.Set();
        }

        return n;
    }

    private static int Cancel(CancellationTokenSource cts, int n)
    {
        cts.Cancel();
        return n;
    }

    private sealed record Row(int n, string s);
}
