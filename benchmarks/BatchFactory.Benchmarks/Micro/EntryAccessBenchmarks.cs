using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;

namespace BatchFactory.Benchmarks.Micro;

/// <summary>
/// The typed field accessors every per-entry op goes through, against the raw <see cref="JsonObject"/> calls a
/// hand-written pipeline makes. The entry's data comes from <see cref="JsonSerializer.SerializeToNode{TValue}(TValue, JsonSerializerOptions?)"/>,
/// as in FromList, and has been read once (so its properties are materialised, as after the first op).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EntryAccessBenchmarks
{
    private static readonly JsonValue Tag = JsonValue.Create("x");
    private Entry _entry = null!;
    private JsonObject _data = null!;

    [GlobalSetup]
    public void Setup()
    {
        _data = JsonSerializer.SerializeToNode(new Row(123_456, "gamma-123456"))!.AsObject();
        _entry = new Entry("a", _data);
        _ = _entry.Get<int>(Data.N);
    }

    [Benchmark(Baseline = true, Description = "raw: data[\"N\"].GetValue<int>()")]
    public int RawGetInt() => _data[Data.N]!.GetValue<int>();

    [Benchmark(Description = "Entry.Get<int>(\"N\")")]
    public int GetInt() => _entry.Get<int>(Data.N);

    [Benchmark(Description = "Entry.Get<string>(\"Name\")")]
    public string GetString() => _entry.Get<string>(Data.Name);

    [Benchmark(Description = "raw: data[\"double\"] = 42")]
    public void RawSetInt() => _data[Data.Double] = 42;

    [Benchmark(Description = "Entry.Set(\"double\", 42)")]
    public Entry SetInt() => _entry.Set(Data.Double, 42);

    [Benchmark(Description = "Entry.Set then Get<int> (MapField's work)")]
    public int SetThenGet() => _entry.Set(Data.Double, 42).Get<int>(Data.Double);

    [Benchmark(Description = "raw: data[\"tag\"] = \"x\"")]
    public void RawSetString() => _data[Data.Tag] = "x";

    [Benchmark(Description = "data[\"tag\"] = node.DeepClone() (SetFieldOp per entry)")]
    public void SetClonedString() => _data[Data.Tag] = Tag.DeepClone();
}
