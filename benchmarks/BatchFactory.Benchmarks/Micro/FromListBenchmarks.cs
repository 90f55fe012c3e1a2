using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Operators;
using BenchmarkDotNet.Attributes;

namespace BatchFactory.Benchmarks.Micro;

/// <summary>
/// What FromList does per item before an entry exists: convert the record to a <see cref="JsonObject"/>
/// (<c>JsonFieldCodec.ToNode</c>) and, without an idxKey, derive a content idx (<see cref="ContentIdx"/>: JSON bytes,
/// SHA-256, 16 hex digits, a set of seen hashes).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class FromListBenchmarks
{
    private const int Items = 1024;
    private readonly Row _row = new(123_456, "gamma-123456");
    private JsonObject[] _datas = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Fresh, never-read objects, as ContentIdx sees them in FromList (distinct contents, so no "-2" suffixes).
        _datas = [.. Data.MakeRows(Items).Select(r => JsonSerializer.SerializeToNode(r)!.AsObject())];
    }

    [Benchmark(Baseline = true, Description = "raw: JsonSerializer.SerializeToNode(row)")]
    public JsonNode? SerializeToNode() => JsonSerializer.SerializeToNode(_row);

    [Benchmark(Description = "JsonFieldCodec.ToNode(row) (FromList's conversion)")]
    public JsonNode? ToNode() => JsonFieldCodec.ToNode(_row);

    [Benchmark(OperationsPerInvoke = Items, Description = "ContentIdx.Next (per item, fresh ContentIdx per 1,024)")]
    public string ContentIdxNext()
    {
        var contentIdx = new ContentIdx();
        var last = string.Empty;
        foreach (var data in _datas)
        {
            last = contentIdx.Next(data);
        }

        return last;
    }
}
