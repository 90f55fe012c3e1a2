using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Operators;
using BenchmarkDotNet.Attributes;

namespace BatchFactory.Benchmarks.Micro;

/// <summary>
/// What FromList does per item before an entry exists: serialise the record once (<see cref="JsonScratch"/>), parse
/// the bytes into a <see cref="JsonObject"/> and, without an idxKey, derive a content idx from the same bytes
/// (<see cref="ContentIdx"/>: XXH3, 16 hex digits, a set of seen hashes).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class FromListBenchmarks
{
    private const int Items = 1024;
    private readonly Row _row = new(123_456, "gamma-123456");
    private readonly JsonScratch _scratch = new();
    private byte[][] _jsons = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Fresh, never-read objects, as ContentIdx sees them in FromList (distinct contents, so no "-2" suffixes).
        _jsons = [.. Data.MakeRows(Items).Select(r => JsonSerializer.SerializeToUtf8Bytes(r))];
    }

    [Benchmark(Baseline = true, Description = "raw: JsonSerializer.SerializeToNode(row)")]
    public JsonNode? SerializeToNode() => JsonSerializer.SerializeToNode(_row);

    [Benchmark(Description = "JsonFieldCodec.ToNode(row) (Entry.Set's conversion)")]
    public JsonNode? ToNode() => JsonFieldCodec.ToNode(_row);

    [Benchmark(Description = "JsonScratch.Write + JsonNode.Parse (FromList's conversion)")]
    public JsonNode? WriteAndParse() => JsonNode.Parse(_scratch.Write(_row));

    [Benchmark(OperationsPerInvoke = Items, Description = "ContentIdx.Next (per item, fresh ContentIdx per 1,024)")]
    public string ContentIdxNext()
    {
        var contentIdx = new ContentIdx();
        var last = string.Empty;
        foreach (var json in _jsons)
        {
            last = contentIdx.Next(json);
        }

        return last;
    }
}
