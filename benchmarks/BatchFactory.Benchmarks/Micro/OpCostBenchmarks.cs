using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks.Dataflow;
using BenchmarkDotNet.Attributes;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Micro;

/// <summary>
/// Per-entry cost of whole small graphs over 10,000 records (reported per entry): the source alone, then the source
/// plus one op, so that an op's cost is the difference to <c>FromList only</c>. Every graph ends unwired (entries are
/// discarded), and runs with default <see cref="RunOptions"/>. The raw rows do the same with a hand-written Dataflow chain.
/// A whole run is noisier than a method call (thread hops, GCs), so this class takes more iterations than ShortRun.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 9)]
public class OpCostBenchmarks
{
    private const int Entries = 10_000;
    private static readonly RunOptions Options = new();
    private List<Row> _rows = null!;
    private Graph _source = null!;
    private Graph _sourceIdxKey = null!;
    private Graph _mapField = null!;
    private Graph _filter = null!;
    private Graph _setField = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rows = Data.MakeRows(Entries);
        _source = FromList(_rows);
        _sourceIdxKey = FromList(_rows, idxKey: Data.N);
        _mapField = FromList(_rows) | MapField((int n) => n * 2, Data.N, Data.Double);
        _filter = FromList(_rows) | Filter((int n) => n % 3 != 0, Data.N);
        _setField = FromList(_rows) | SetField(Data.Tag, "x");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Entries, Description = "FromList only")]
    public Task<RunResult> Source() => _source.RunAsync(Options);

    [Benchmark(OperationsPerInvoke = Entries, Description = "FromList(idxKey: \"N\") only")]
    public Task<RunResult> SourceIdxKey() => _sourceIdxKey.RunAsync(Options);

    [Benchmark(OperationsPerInvoke = Entries, Description = "FromList | MapField(N -> double)")]
    public Task<RunResult> MapFieldGraph() => _mapField.RunAsync(Options);

    [Benchmark(OperationsPerInvoke = Entries, Description = "FromList | Filter(N % 3 != 0)")]
    public Task<RunResult> FilterGraph() => _filter.RunAsync(Options);

    [Benchmark(OperationsPerInvoke = Entries, Description = "FromList | SetField(tag = \"x\")")]
    public Task<RunResult> SetFieldGraph() => _setField.RunAsync(Options);

    [Benchmark(OperationsPerInvoke = Entries, Description = "raw: SerializeToNode + SendAsync -> TransformBlock(double)")]
    public async Task RawMapField()
    {
        var block = new TransformBlock<JsonObject, JsonObject>(
            o =>
            {
                o[Data.Double] = o[Data.N]!.GetValue<int>() * 2;
                return o;
            },
            new ExecutionDataflowBlockOptions { BoundedCapacity = 1024 });
        block.LinkTo(DataflowBlock.NullTarget<JsonObject>());
        foreach (var row in _rows)
        {
            await block.SendAsync(JsonSerializer.SerializeToNode(row)!.AsObject());
        }

        block.Complete();
        await block.Completion;
    }
}
