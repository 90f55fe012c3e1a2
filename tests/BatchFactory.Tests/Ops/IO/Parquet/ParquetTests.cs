using BatchFactory.Tests.Support;
using Parquet;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.IO.Parquet;

public sealed class ParquetTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task WriteParquet_ThenReadParquet_GivesTheSameEntriesWithListsAndNulls()
    {
        var rows = new object[]
        {
            new { id = "a", n = 1, x = 1.5, ok = true, name = "ann", tags = new[] { "p", "q" }, scores = new long?[] { 1, null, 3 }, meta = new { k = 1 } },
            new { id = "b", n = 2, x = 2, ok = false, name = (string?)null, tags = Array.Empty<string>(), scores = (long?[]?)null, meta = new { k = 2 } },
            new { id = "c", n = -3, x = -0.25, ok = true, name = "caf\u00e9" },
        };
        var written = await (FromList(rows, idxKey: "id") | WriteParquet(_dir["out/rows.parquet"]) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        var read = await (ReadParquet(_dir["out/rows.parquet"], idxKey: "id") | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal(["a", "b", "c"], read.Entries.Select(e => e.Idx));
        Assert.Equal(
            [
                """{"id":"a","n":1,"x":1.5,"ok":true,"name":"ann","tags":["p","q"],"scores":[1,null,3],"meta":"{\"k\":1}"}""",
                """{"id":"b","n":2,"x":2,"ok":false,"name":null,"tags":[],"scores":null,"meta":"{\"k\":2}"}""",
                """{"id":"c","n":-3,"x":-0.25,"ok":true,"name":"café","tags":null,"scores":null,"meta":null}""",
            ],
            read.Entries.Select(e => e.Data.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })));
        Assert.Equal(3, written.Entries.Count);
    }

    [Fact]
    public async Task WriteParquet_RowGroupSize_WritesRowGroupsOfThatSize_AndReadParquetReadsThemAllInOrder()
    {
        var g = FromList(Enumerable.Range(0, 25), outputKey: "n") | WriteParquet(_dir["n.parquet"], rowGroupSize: 10);
        await g.RunCheckedAsync(null, TestRuns.Token);

        await using (var reader = await ParquetReader.CreateAsync(_dir["n.parquet"], null, TestRuns.Token))
        {
            Assert.Equal(3, reader.RowGroupCount);
            Assert.Equal([10L, 10L, 5L], Enumerable.Range(0, 3).Select(i => reader.OpenRowGroupReader(i).RowCount));
        }

        var read = await (ReadParquet(_dir["n.parquet"]) | ToList("n")).RunCheckedAsync(null, TestRuns.Token);
        Assert.Equal(Enumerable.Range(0, 25), read.Values<int>());
    }

    [Fact]
    public async Task ReadParquet_Columns_ReadsOnlyThoseInThatOrder()
    {
        await (FromList(new[] { new { a = 1, b = "x", c = true } }) | WriteParquet(_dir["f.parquet"])).RunCheckedAsync(null, TestRuns.Token);

        var read = await (ReadParquet(_dir["f.parquet"], columns: ["c", "a"]) | OutputEntries()).RunCheckedAsync(null, TestRuns.Token);

        Assert.Equal("""{"c":true,"a":1}""", Assert.Single(read.Entries).Data.ToJsonString());
    }

    [Fact]
    public async Task WriteParquet_FieldWithValuesOfDifferentKinds_FailsNamingFieldAndEntryAndWritesNothing()
    {
        var rows = new object[] { new { id = "a", v = 1 }, new { id = "b", v = "one" } };

        var ex = await (FromList(rows, idxKey: "id") | WriteParquet(_dir["f.parquet"])).RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal("b", ex.Idx);
        Assert.Equal("v", ex.Field);
        Assert.False(File.Exists(_dir["f.parquet"]));
    }

    [Fact]
    public async Task ReadParquet_MissingFile_ThrowsInputFileExceptionBeforeTheRunStarts()
    {
        var ex = await Assert.ThrowsAsync<InputFileException>(() => (ReadParquet(_dir["none.parquet"]) | OutputEntries()).RunAsync(null, TestRuns.Token));

        Assert.Contains("ReadParquet", ex.Message);
    }

    [Fact]
    public async Task ReadParquet_FileThatIsNotParquet_FailsNamingTheFile()
    {
        File.WriteAllText(_dir["f.parquet"], "this is not parquet at all");

        var ex = await (ReadParquet(_dir["f.parquet"]) | OutputEntries()).RunFailingAsync<OpException>(null, TestRuns.Token);

        Assert.Equal(_dir["f.parquet"], Assert.IsType<InputFileException>(ex.InnerException).FilePath);
    }
}
