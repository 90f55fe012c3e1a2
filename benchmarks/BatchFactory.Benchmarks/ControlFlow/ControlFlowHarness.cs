using System.Diagnostics;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.ControlFlow;

/// <summary>
/// The control-flow harness (<c>--control-flow</c>): ListParallel and Repeat against flat pipelines that apply the same
/// op the same number of times, in the same process, rounds interleaved. See benchmarks/README.md.
/// </summary>
internal static class ControlFlowHarness
{
    private sealed record Scenario(string Name, long Applications, Func<Task<long>> Run, long Expected);

    public static async Task<int> RunAsync(ControlFlowHarnessOptions o)
    {
        var items = (long)o.Masters * o.Items;
        var loops = (long)o.Entries * o.Rounds;
        Console.WriteLine($"Control-flow harness: ListParallel over {o.Masters:N0} masters x {o.Items} items; Repeat({o.Rounds}) over {o.Entries:N0} entries; {o.Repeats} rounds, medians.");
        var pairs = new[]
        {
            (new Scenario("ListParallel", items, () => ListParallelAsync(o.Masters, o.Items), ExpectedListSum(o.Masters, o.Items)),
             new Scenario("flat, same applications", items, () => FlatAsync(o.Masters * o.Items, 1, fuse: true), ExpectedFlatSum(o.Masters * o.Items, 1))),
            (new Scenario($"Repeat({o.Rounds})", loops, () => RepeatAsync(o.Entries, o.Rounds, fuse: true), ExpectedFlatSum(o.Entries, o.Rounds)),
             new Scenario($"flat, {o.Rounds} MapFields", loops, () => FlatAsync(o.Entries, o.Rounds, fuse: true), ExpectedFlatSum(o.Entries, o.Rounds))),
            (new Scenario($"Repeat({o.Rounds}), FuseEntryOps off", loops, () => RepeatAsync(o.Entries, o.Rounds, fuse: false), ExpectedFlatSum(o.Entries, o.Rounds)),
             new Scenario($"flat, {o.Rounds} MapFields, FuseEntryOps off", loops, () => FlatAsync(o.Entries, o.Rounds, fuse: false), ExpectedFlatSum(o.Entries, o.Rounds))),
        };

        var ok = true;
        var table = new List<string>();
        foreach (var (loop, flat) in pairs)
        {
            await MeasureAsync(loop, Math.Min(2, o.Repeats));
            await MeasureAsync(flat, Math.Min(2, o.Repeats));
            var loopTimes = new List<double>();
            var flatTimes = new List<double>();
            var ratios = new List<double>();
            for (var r = 0; r < o.Repeats; r++)
            {
                var (a, okA) = await MeasureAsync(loop, 1);
                var (b, okB) = await MeasureAsync(flat, 1);
                ok &= okA && okB;
                loopTimes.Add(a);
                flatTimes.Add(b);
                ratios.Add(a / b);
                Console.WriteLine($"round {r + 1}: {loop.Name} {a:F3} s, {flat.Name} {b:F3} s, ratio {a / b:F2}");
            }

            table.Add($"| {loop.Name} | {loop.Applications:N0} | {loop.Applications / Median(loopTimes):N0} | {flat.Applications / Median(flatTimes):N0} | {Median(ratios):F2} |");
        }

        Console.WriteLine();
        Console.WriteLine("| scenario | op applications | applications/s | flat applications/s | time vs flat (median) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        table.ForEach(Console.WriteLine);
        return ok ? 0 : 1;
    }

    private static async Task<(double Seconds, bool Ok)> MeasureAsync(Scenario scenario, int times)
    {
        var seconds = 0.0;
        var ok = true;
        for (var i = 0; i < times; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var clock = Stopwatch.StartNew();
            var sum = await scenario.Run();
            seconds = clock.Elapsed.TotalSeconds;
            if (sum != scenario.Expected)
            {
                await Console.Error.WriteLineAsync($"error: {scenario.Name} gave {sum}, expected {scenario.Expected}.");
                ok = false;
            }
        }

        return (seconds, ok);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // Each master m holds [m*items .. m*items+items-1]; the body adds 1 to each item.
    private static async Task<long> ListParallelAsync(int masters, int items)
    {
        var g = FromList(Enumerable.Range(0, masters).Select(m => Enumerable.Range(m * items, items).ToArray()), outputKey: "items")
            | ListParallel(MapField((int i) => i + 1, "i"), "items", "i", "i", "out")
            | ToList("out");
        var result = await g.RunAsync();
        return result.Values<int[]>().Sum(list => list.Sum(x => (long)x));
    }

    private static long ExpectedListSum(int masters, int items)
    {
        var n = (long)masters * items;
        return (n * (n - 1) / 2) + n;
    }

    private static async Task<long> RepeatAsync(int entries, int rounds, bool fuse)
    {
        var g = FromList(Enumerable.Range(0, entries), outputKey: "n") | Repeat(MapField((int n) => n + 1, "n"), rounds) | ToList("n");
        return (await g.RunAsync(new RunOptions { FuseEntryOps = fuse })).Values<int>().Sum(x => (long)x);
    }

    private static async Task<long> FlatAsync(int entries, int ops, bool fuse)
    {
        var g = (Graph)FromList(Enumerable.Range(0, entries), outputKey: "n");
        for (var i = 0; i < ops; i++)
        {
            g |= MapField((int n) => n + 1, "n");
        }

        return (await (g | ToList("n")).RunAsync(new RunOptions { FuseEntryOps = fuse })).Values<int>().Sum(x => (long)x);
    }

    private static long ExpectedFlatSum(int entries, int ops) => ((long)entries * (entries - 1) / 2) + ((long)entries * ops);
}
