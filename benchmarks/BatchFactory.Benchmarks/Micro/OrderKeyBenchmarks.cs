using BatchFactory.Engine;
using BatchFactory.Entries;
using BenchmarkDotNet.Attributes;

namespace BatchFactory.Benchmarks.Micro;

/// <summary>
/// <see cref="OrderKey"/>: one is made per entry by every source (a struct: no allocation unless split), and ToList sorts its whole output by it.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class OrderKeyBenchmarks
{
    private const int SortCount = 10_000;
    private OrderKey _a;
    private OrderKey _b;
    private OrderKey _child;
    private OrderKey _sink;
    private OrderKey[] _shuffled = null!;
    private OrderKey[] _work = null!;

    [GlobalSetup]
    public void Setup()
    {
        _a = OrderKey.Root(0, 500_000);
        _b = OrderKey.Root(0, 500_001);
        _child = _a.Child(3);
        var random = new Random(42);
        _shuffled = [.. Enumerable.Range(0, SortCount).Select(i => OrderKey.Root(0, i)).OrderBy(_ => random.Next())];
        _work = new OrderKey[SortCount];
    }

    [Benchmark(Description = "OrderKey.Root (one per source entry)")]
    public void Root() => _sink = OrderKey.Root(0, 123_456);

    [Benchmark(Description = "OrderKey.Child (one per exploded item)")]
    public void Child() => _sink = _a.Child(7);

    [Benchmark(Description = "CompareTo: roots, different positions")]
    public int CompareRoots() => _a.CompareTo(_b);

    [Benchmark(Description = "CompareTo: parent vs its child")]
    public int ComparePrefix() => _a.CompareTo(_child);

    [Benchmark(OperationsPerInvoke = SortCount, Description = "Sort 10,000 shuffled roots (per key)")]
    public void Sort()
    {
        Array.Copy(_shuffled, _work, SortCount);
        Array.Sort(_work, static (x, y) => x.CompareTo(y));
    }
}
