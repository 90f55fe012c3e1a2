using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.IO.Csv;

public sealed class CsvTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadCsv_InfersLongDoubleBoolAndStringColumns_AndEmptyIsNull()
    {
        File.WriteAllText(_dir["in.csv"], "id,count,score,ok,name,zip,blank\n1,3,2.5,true,ann,007,\n2,,3,FALSE,\"b, with comma\",123,\n3,7,-1e3,,\"line\nbreak\",042,\n");

        var result = await (ReadCsv(_dir["in.csv"]) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        var rows = result.Entries.Select(e => e.Data.ToJsonString()).ToList();
        Assert.Equal(
            [
                """{"id":1,"count":3,"score":2.5,"ok":true,"name":"ann","zip":"007","blank":null}""",
                """{"id":2,"count":null,"score":3,"ok":false,"name":"b, with comma","zip":"123","blank":null}""",
                """{"id":3,"count":7,"score":-1000,"ok":null,"name":"line\nbreak","zip":"042","blank":null}""",
            ],
            rows);
    }

    [Fact]
    public async Task ReadCsv_DeclaredTypes_OverrideInference()
    {
        File.WriteAllText(_dir["in.csv"], "code,amount\n12,1.10\n34,2\n");
        var types = new Dictionary<string, Type> { ["code"] = typeof(string), ["amount"] = typeof(decimal) };

        var result = await (ReadCsv(_dir["in.csv"], types) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["""{"code":"12","amount":1.10}""", """{"code":"34","amount":2}"""], result.Entries.Select(e => e.Data.ToJsonString()));
    }

    [Fact]
    public async Task ReadCsv_RecordWithTooFewFields_FailsNamingOpFileAndLine()
    {
        File.WriteAllText(_dir["in.csv"], "a,b\n1,2\n\"multi\nline\",3\n4\n5,6\n");

        var ex = await (ReadCsv(_dir["in.csv"]) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("ReadCsv", ex.OpName);
        var inner = Assert.IsType<InputFileException>(ex.InnerException);
        Assert.Equal(5, inner.Line);
        Assert.Equal(_dir["in.csv"], inner.FilePath);
    }

    [Fact]
    public async Task ReadCsv_ValueNotOfItsDeclaredType_FailsNamingColumnAndLine()
    {
        File.WriteAllText(_dir["in.csv"], "n\n1\nabc\n");

        var ex = await (ReadCsv(_dir["in.csv"], new Dictionary<string, Type> { ["n"] = typeof(long) }) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        var inner = Assert.IsType<InputFileException>(ex.InnerException);
        Assert.Equal(3, inner.Line);
        Assert.Contains("column 'n': 'abc' is not a long", inner.Message);
    }

    [Fact]
    public async Task ReadCsv_SkipBadRows_SkipsMalformedAndMistypedRecordsAndCountsThem()
    {
        File.WriteAllText(_dir["in.csv"], "n,s\n1,a\n2\nx\"y,b\nnope,c\n3,d\n");

        var g = ReadCsv(_dir["in.csv"], new Dictionary<string, Type> { ["n"] = typeof(long) }, onBadRow: BadRows.Skip) | ToList("n", "s");
        var result = await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal([new Row(1, "a"), new Row(3, "d")], result.Values<Row>());
        Assert.Equal(3, result.Nodes.Single(o => o.Name == "ReadCsv").Dropped);
    }

    [Fact]
    public async Task ReadCsv_MissingFile_ThrowsInputFileExceptionBeforeTheRunStarts()
    {
        var ex = await Assert.ThrowsAsync<InputFileException>(() => (ReadCsv(_dir["none.csv"]) | OutputEntries()).RunAsync(null, TestRuns.Token));

        Assert.Contains("ReadCsv", ex.Message);
    }

    [Fact]
    public async Task ReadCsv_FileThatIsNotUtf8_FailsNamingTheLine()
    {
        File.WriteAllBytes(_dir["in.csv"], [.. "a,b\n1,2\n3,"u8, 0xFF, (byte)'\n']);

        var ex = await (ReadCsv(_dir["in.csv"]) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        var inner = Assert.IsType<InputFileException>(ex.InnerException);
        Assert.Equal(3, inner.Line);
        Assert.Contains("not UTF-8", inner.Message);
    }

    [Fact]
    public async Task WriteCsv_ThenReadCsv_GivesTheSameEntries()
    {
        var rows = new[]
        {
            new { id = "r1", n = 1L, x = 1.5, ok = true, text = "plain", note = (string?)null },
            new { id = "r2", n = 2L, x = -2.25, ok = false, text = "comma, \"quote\"\nand line", note = (string?)"caf\u00e9" },
        };
        var written = await (FromList(rows, idxKey: "id") | WriteCsv(_dir["out/rows.csv"]) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        var read = await (ReadCsv(_dir["out/rows.csv"], idxKey: "id") | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(written.Entries.Select(e => e.ToString()), read.Entries.Select(e => e.ToString()));
    }

    [Fact]
    public async Task WriteCsv_FieldsMissingInSomeEntries_GetEmptyValuesAndListsBecomeJson()
    {
        var g = FromList(new object[] { new { a = 1 }, new { b = "x", tags = new[] { "p", "q" } } }) | WriteCsv(_dir["out.csv"]);

        await g.RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("a,b,tags\r\n1,,\r\n,x,\"[\"\"p\"\",\"\"q\"\"]\"\r\n", File.ReadAllText(_dir["out.csv"]));
    }

    private sealed record Row(long n, string s);
}
