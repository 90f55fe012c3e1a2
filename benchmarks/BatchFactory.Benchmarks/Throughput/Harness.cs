using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace BatchFactory.Benchmarks.Throughput;

/// <summary>
/// Runs each scenario over the same list of records: a warm-up on a small prefix, then rounds in which every scenario
/// runs once (the order rotating per round), a forced full GC before each run. Reports medians as a Markdown table
/// and fails (exit code 1) when any run produced a different number of results, or different values, than expected.
/// </summary>
internal static class Harness
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(10);

    public static async Task<int> RunAsync(HarnessOptions options)
    {
        if (!Stopwatch.IsHighResolution)
        {
            Console.WriteLine("warning: Stopwatch is not high-resolution on this machine.");
        }

#if DEBUG
        Console.WriteLine("warning: this is a Debug build; run with -c Release for meaningful numbers.");
#endif

        var total = Stopwatch.StartNew();
        var workload = options.Workload == WorkloadKind.Python ? PythonWorkloadScenarios(options)
            : options.Subscriber ? SubscriberScenarios(options)
            : DataflowScenarios(options);
        var scenarios = workload.Scenarios;

        PrintHeader(options, workload);

        // Warm-up: JIT (tiered compilation, PGO) and Dataflow/JSON caches, on a small prefix of the same data.
        foreach (var scenario in scenarios)
        {
            var warm = await MeasureAsync(scenario, warmup: true);
            if (!Check(scenario, warm, workload.WarmupExpected, "warm-up"))
            {
                return 1;
            }
        }

        var baseline = FullCollect();
        Console.WriteLine($"Managed heap after a full GC, holding the {options.Entries:N0} input records: {Mb(baseline):F1} MB");
        Console.WriteLine();

        var samples = scenarios.ToDictionary(s => s, _ => new List<Measurement>());
        for (var round = 0; round < options.Rounds; round++)
        {
            for (var k = 0; k < scenarios.Length; k++)
            {
                var scenario = scenarios[(k + round) % scenarios.Length];
                var m = await MeasureAsync(scenario, warmup: false);
                Console.WriteLine(
                    $"  round {round + 1}/{options.Rounds}  {scenario.Name,-25} {m.Seconds,6:F2} s {options.Entries / m.Seconds,11:N0} entries/s" +
                    $"  cpu {m.CpuSeconds,5:F2} s  gc pause {m.GcPauseSeconds,5:F2} s  peak {Mb(m.PeakHeap),4:F0} MB, after GC {Mb(m.PeakHeapAfterGc),4:F0} MB  alloc {Mb(m.Allocated),5:F0} MB" +
                    $"  GCs {m.Gen0}/{m.Gen1}/{m.Gen2}");
                if (!Check(scenario, m, workload.Expected, $"round {round + 1}"))
                {
                    return 1;
                }

                samples[scenario].Add(m);
            }
        }

        Console.WriteLine();
        PrintTable(workload, samples, options.Entries, baseline);
        Console.WriteLine();
        Console.WriteLine($"Medians of {options.Rounds} runs per scenario. Total time {total.Elapsed.TotalSeconds:F0} s.");
        return 0;
    }

    private static async Task<Measurement> MeasureAsync(Scenario scenario, bool warmup)
    {
        FullCollect();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var pauseBefore = GC.GetTotalPauseDuration();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var sampler = MemorySampler.Start(SampleEvery);
        var clock = Stopwatch.StartNew();

        var outcome = await scenario.Run(warmup);

        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var (peak, peakAfterGc) = sampler.Stop();
        var measurement = new Measurement(
            clock.Elapsed.TotalSeconds,
            cpu.TotalSeconds,
            (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds,
            peak,
            peakAfterGc,
            GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
            outcome.Count, outcome.LenSum?.Invoke(), outcome.Check?.Invoke());
        return measurement;
    }

    private static bool Check(Scenario scenario, Measurement m, (int Count, long LenSum) expected, string when)
    {
        if (m.Count != expected.Count)
        {
            Console.Error.WriteLine($"error: {scenario.Name} ({when}) produced {m.Count:N0} results; expected {expected.Count:N0}.");
            return false;
        }

        if (scenario.KeepsValues && m.LenSum != expected.LenSum)
        {
            Console.Error.WriteLine($"error: {scenario.Name} ({when}) collected len values summing to {m.LenSum:N0}; expected {expected.LenSum:N0}.");
            return false;
        }

        if (m.Problem is { } problem)
        {
            Console.Error.WriteLine($"error: {scenario.Name} ({when}): {problem}");
            return false;
        }

        return true;
    }

    private static void PrintHeader(HarnessOptions options, Workload workload)
    {
        var (entries, kept) = (options.Entries, workload.Expected.Count);
        var gc = GCSettings.IsServerGC ? "server" : "workstation";
        var concurrent = AppContext.TryGetSwitch("System.GC.Concurrent", out var c) ? (c ? ", concurrent" : ", non-concurrent") : string.Empty;
        Console.WriteLine($"BatchFactory throughput harness{workload.Title}: {entries:N0} entries ({kept:N0} pass the filter), {options.Rounds} rounds, warm-up {options.Warmup:N0}");
        Console.WriteLine($"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, " +
            $"{Environment.ProcessorCount} cores, {gc} GC{concurrent}, tiered PGO {(AppContext.TryGetSwitch("System.Runtime.TieredPGO", out var pgo) && !pgo ? "off" : "on")}");
        Console.WriteLine();
    }

    private static void PrintTable(Workload workload, Dictionary<Scenario, List<Measurement>> samples, int entries, long baseline)
    {
        var scenarios = workload.Scenarios;
        var medians = scenarios.ToDictionary(s => s.Name, s => Median(samples[s].Select(m => m.Seconds)));
        var byName = scenarios.ToDictionary(s => s.Name);
        var ratioName = workload.RatioName;
        Console.WriteLine($"| scenario | entries | entries/s | {ratioName} | CPU µs/entry | GC pause % | alloc B/entry | peak heap MB | peak heap after GC MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in scenarios)
        {
            var list = samples[s];
            var rate = entries / medians[s.Name];
            // Paired per round (the scenarios of one round run back to back), so that a machine that speeds up or
            // slows down during the harness moves both sides of each ratio together.
            var ratio = s.ComparedWith is { } other
                ? Median(list.Select((m, round) => samples[byName[other]][round].Seconds / m.Seconds)).ToString("F2", CultureInfo.InvariantCulture) + $" (vs {other})"
                : "1.00";
            var cpu = Median(list.Select(m => m.CpuSeconds));
            var pause = Median(list.Select(m => m.GcPauseSeconds / m.Seconds));
            var peak = Median(list.Select(m => (double)m.PeakHeap));
            var peakAfterGc = Median(list.Select(m => (double)m.PeakHeapAfterGc));
            var allocated = Median(list.Select(m => (double)m.Allocated));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Name} | {entries:N0} | {rate:N0} | {ratio} | {cpu * 1e6 / entries:F2} | {pause * 100:F0} | {allocated / entries:F0} | {Mb(peak):F0} | {Mb(peakAfterGc):F0} |"));
        }

        Console.WriteLine();
        foreach (var s in scenarios)
        {
            Console.WriteLine($"  {s.Name}: {s.Description}");
        }

        Console.WriteLine($"  {workload.RatioName}: {workload.RatioMeaning}");
        Console.WriteLine("  CPU µs/entry: process CPU time (all threads, including the GC) per input entry; GC pause %: share of wall time the GC paused the process.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  peak heap: GC.GetTotalMemory(false) sampled every 10 ms, so it includes garbage not yet collected; peak heap after GC: the largest heap size right after a GC during the run. Both include the {Mb(baseline):F0} MB input list."));
    }

    /// <summary>Ours and the hand-written Dataflow chain over the same rows, collecting and not; each ratio is ours ÷ raw speed.</summary>
    private static Workload DataflowScenarios(HarnessOptions options)
    {
        var (rows, warmupRows) = MakeRows(options);
        IReadOnlyList<Row> Data(bool warmup) => warmup ? warmupRows : rows;
        return new Workload(
            string.Empty,
            [
                new("ours", "FromList | MapField | Filter | SetField | MapField | ToList", "raw",
                    KeepsValues: true, w => OursPipeline.RunAsync(Data(w), collect: true)),
                new("raw", $"hand-written TPL Dataflow chain + List<int> ({Describe(options.RawFilter)})", null,
                    KeepsValues: true, w => RawPipeline.RunAsync(Data(w), collect: true, options.RawFilter)),
                new("ours, bounded", "same ops ending in Count() (keeps only the number)", "raw, bounded",
                    KeepsValues: false, w => OursPipeline.RunAsync(Data(w), collect: false)),
                new("raw, bounded", "same raw chain, last block linked to NullTarget", null,
                    KeepsValues: false, w => RawPipeline.RunAsync(Data(w), collect: false, options.RawFilter)),
            ],
            BatchFactory.Benchmarks.Data.Expected(rows),
            BatchFactory.Benchmarks.Data.Expected(warmupRows),
            "ours/raw",
            "ours entries/s divided by raw entries/s, per round, median over rounds (1.00 = as fast as hand-written Dataflow).");
    }

    /// <summary>Ours with and without one subscriber watching (see <see cref="CountingSubscriber"/>); each ratio is watched ÷ unwatched speed.</summary>
    private static Workload SubscriberScenarios(HarnessOptions options)
    {
        var (rows, warmupRows) = MakeRows(options);
        IReadOnlyList<Row> Data(bool warmup) => warmup ? warmupRows : rows;
        return new Workload(
            ", subscriber overhead",
            [
                new("ours", "FromList | MapField | Filter | SetField | MapField | ToList", null,
                    KeepsValues: true, w => OursPipeline.RunAsync(Data(w), collect: true)),
                new("ours, subscriber", "the same with a RunMonitor (250 ms samples) and one subscriber", "ours",
                    KeepsValues: true, w => OursPipeline.RunAsync(Data(w), collect: true, watched: true)),
                new("ours, bounded", "same ops, no ToList", null,
                    KeepsValues: false, w => OursPipeline.RunAsync(Data(w), collect: false)),
                new("ours, bounded, subscriber", "the same with a RunMonitor and one subscriber", "ours, bounded",
                    KeepsValues: false, w => OursPipeline.RunAsync(Data(w), collect: false, watched: true)),
            ],
            BatchFactory.Benchmarks.Data.Expected(rows),
            BatchFactory.Benchmarks.Data.Expected(warmupRows),
            "watched/unwatched",
            "entries/s with one subscriber divided by entries/s without, per round, median over rounds (1.00 = watching costs nothing).");
    }

    /// <summary>The Python reference's workload (see <see cref="PythonWorkload"/>) with each of its three endings; each ratio is that ending's speed ÷ Count()'s.</summary>
    private static Workload PythonWorkloadScenarios(HarnessOptions options)
    {
        var items = PythonWorkload.MakeItems(options.Entries);
        var warmupItems = items.Take(options.Warmup).ToList();
        IReadOnlyList<Dictionary<string, string>> Data(bool warmup) => warmup ? warmupItems : items;
        const string Ops = "FromList({keyword, text}) | MapField(upper, text) | Filter(even i, keyword) | SetField(tag, x)";
        return new Workload(
            ", Python reference workload",
            [
                new("py, OutputEntries", $"{Ops} | OutputEntries()", "py, Count",
                    KeepsValues: false, w => PythonWorkload.RunAsync(Data(w), PythonWorkload.Ending.OutputEntries)),
                new("py, ToList", $"{Ops} | ToList(keyword, text, tag)", "py, Count",
                    KeepsValues: false, w => PythonWorkload.RunAsync(Data(w), PythonWorkload.Ending.ToList)),
                new("py, Count", $"{Ops} | Count()", null,
                    KeepsValues: false, w => PythonWorkload.RunAsync(Data(w), PythonWorkload.Ending.Count)),
            ],
            (PythonWorkload.Expected(items.Count), 0),
            (PythonWorkload.Expected(warmupItems.Count), 0),
            "vs Count",
            "entries/s of the ending divided by entries/s of the same ops ending in Count(), per round, median over rounds (1.00 = collecting costs nothing).");
    }

    private static (List<Row> Rows, List<Row> WarmupRows) MakeRows(HarnessOptions options)
    {
        var rows = BatchFactory.Benchmarks.Data.MakeRows(options.Entries);
        return (rows, rows.Take(options.Warmup).ToList());
    }

    private static string Describe(RawFilter filter) => filter switch
    {
        RawFilter.TransformMany => "filter: TransformManyBlock",
        _ => "filter: TransformBlock returning null + LinkTo predicate",
    };

    private static long FullCollect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(false);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double Mb(double bytes) => bytes / (1024.0 * 1024.0);

    /// <summary>One scenario; <see cref="Run"/> takes whether to run on the warm-up prefix (true) or on all the data.</summary>
    private sealed record Scenario(string Name, string Description, string? ComparedWith, bool KeepsValues, Func<bool, Task<Outcome>> Run);

    /// <summary>The scenarios of one harness mode, the results they must give on all the data and on the warm-up prefix, and what the ratio column means.</summary>
    private sealed record Workload(
        string Title, Scenario[] Scenarios, (int Count, long LenSum) Expected, (int Count, long LenSum) WarmupExpected, string RatioName, string RatioMeaning);

    private sealed record Measurement(
        double Seconds, double CpuSeconds, double GcPauseSeconds, long PeakHeap, long PeakHeapAfterGc, long Allocated, int Gen0, int Gen1, int Gen2, int Count, long? LenSum, string? Problem);
}
