using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Debugging;

public class PrintTests
{
    private static Graph Ids(int count) =>
        FromList(Enumerable.Range(0, count).Select(i => new { id = $"e{i}", n = i, text = $"line {i}" }), idxKey: "id");

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    [Fact]
    public async Task PrintEntry_PrintsTheFirstNAndPassesEveryEntryOn()
    {
        var writer = new StringWriter();
        var g = Ids(5) | PrintEntry(2, writer) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([0, 1, 2, 3, 4], result.Values<int>());
        Assert.Equal(
            ["""Entry 'e0' rev 0 {"id":"e0","n":0,"text":"line 0"}""", """Entry 'e1' rev 0 {"id":"e1","n":1,"text":"line 1"}"""],
            Lines(writer));
    }

    [Fact]
    public async Task PrintEntry_Default_PrintsTen()
    {
        var writer = new StringWriter();
        var g = Ids(15) | PrintEntry(writer: writer) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(15, result.Output.Count);
        Assert.Equal(10, Lines(writer).Length);
    }

    [Fact]
    public async Task PrintEntry_Negative_PrintsAll()
    {
        var writer = new StringWriter();
        var g = Ids(12) | PrintEntry(-1, writer) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(12, Lines(writer).Length);
        Assert.Equal(12, result.Output.Count);
    }

    [Fact]
    public async Task PrintEntry_Zero_PrintsNothingAndPassesEverything()
    {
        var writer = new StringWriter();
        var g = Ids(3) | PrintEntry(0, writer) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Empty(writer.ToString());
        Assert.Equal(3, result.Output.Count);
    }

    [Fact]
    public async Task PrintEntry_Stats_PassEveryEntryAndDropNone()
    {
        var g = Ids(4) | PrintEntry(1, new StringWriter()) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(4, result.Nodes[1].In);
        Assert.Equal(4, result.Nodes[1].Out);
        Assert.Equal(0, result.Nodes[1].Dropped);
    }

    [Fact]
    public async Task PrintEntry_WithoutWriter_WritesToRunOptionsOutput()
    {
        var writer = new StringWriter();
        var g = Ids(3) | PrintEntry(1) | ToList("n");

        await g.RunCheckedAsync(new RunOptions { Output = writer }, TestRuns.Token);

        Assert.Equal(["""Entry 'e0' rev 0 {"id":"e0","n":0,"text":"line 0"}"""], Lines(writer));
    }

    [Fact]
    public async Task PrintEntry_DoesNotChangeEntries()
    {
        var g = Ids(2) | PrintEntry(5, new StringWriter()) | OutputEntries();

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"id":"e1","n":1,"text":"line 1"}""", result.Entries[1].Data.ToJsonString());
    }

    [Fact]
    public async Task PrintEntry_RunTwice_PrintsTheFirstNEachRun()
    {
        var writer = new StringWriter();
        var g = Ids(5) | PrintEntry(2, writer) | ToList("n");

        await g.RunCheckedAsync(null, TestRuns.Token);
        await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(4, Lines(writer).Length);
    }

    [Fact]
    public async Task PrintEntry_WithParallelism_PrintsExactlyNWholeLines()
    {
        var writer = new StringWriter();
        var g = Ids(200) | PrintEntry(50, writer) | ToList("n");

        var result = await g.RunCheckedAsync(new RunOptions { MaxDegreeOfParallelism = 8 }, TestRuns.Token);

        var lines = Lines(writer);
        Assert.Equal(50, lines.Length);
        Assert.All(lines, l => Assert.Matches("""^Entry 'e\d+' rev 0 \{.*\}$""", l));
        Assert.Equal(50, lines.Distinct().Count());
        Assert.Equal(200, result.Output.Count);
    }

    [Fact]
    public async Task PrintField_PrintsIdxAndTheFieldAsPlainTextForStrings()
    {
        var writer = new StringWriter();
        var g = Ids(3) | PrintField("text", 2, writer) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["[e0] text: line 0", "[e1] text: line 1"], Lines(writer));
        Assert.Equal([0, 1, 2], result.Values<int>());
    }

    [Fact]
    public async Task PrintField_NonStringValues_PrintAsJson()
    {
        var writer = new StringWriter();
        var g = FromList(new[] { new { id = "x", tags = new[] { "a", "b" } } }, idxKey: "id") | PrintField("tags", writer: writer) | ToList("tags");

        await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["""[x] tags: ["a","b"]"""], Lines(writer));
    }

    [Fact]
    public async Task PrintField_MissingField_PrintsMissingAndDoesNotFail()
    {
        var writer = new StringWriter();
        var g = Ids(1) | PrintField("nope", writer: writer) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["[e0] nope: (missing)"], Lines(writer));
        Assert.Equal([0], result.Values<int>());
    }

    [Fact]
    public async Task PrintField_AfterFilter_PrintsTheFirstNThatPass()
    {
        var writer = new StringWriter();
        var g = Ids(10) | Filter((int n) => n >= 6, "n") | PrintField("n", 2, writer) | ToList("n");

        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["[e6] n: 6", "[e7] n: 7"], Lines(writer));
        Assert.Equal([6, 7, 8, 9], result.Values<int>());
    }

    [Fact]
    public void PrintField_EmptyKey_ThrowsWhenMade()
    {
        Assert.Throws<ArgumentException>(() => PrintField(""));
    }
}
