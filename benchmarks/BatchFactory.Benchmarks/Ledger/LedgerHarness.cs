using System.Diagnostics;
using BatchFactory.Benchmarks.Throughput;

namespace BatchFactory.Benchmarks.Ledger;

/// <summary>
/// The ledger harness (<c>--ledger</c>): appends, lookups and reopening of large ledgers, for each backend, next to
/// baselines measured in the same run. See benchmarks/README.md.
/// </summary>
internal static class LedgerHarness
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(10);

    public static async Task<int> RunAsync(LedgerHarnessOptions options)
    {
        var folder = Path.Combine(options.Directory ?? Path.GetTempPath(), $"batchfactory-ledger-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"Ledger harness: {options.Records:N0} records, {options.Writers} concurrent writers, {options.Lookups:N0} lookups, files in {folder}");
            var records = LedgerRecords.Create(options.Records);
            Console.WriteLine($"Record line: ~{records.LineBytes(0)} bytes.");
            var rows = new List<Row>();
            var scenarios = new LedgerScenarios(records, options, folder);
            foreach (var scenario in scenarios.All())
            {
                var row = await MeasureAsync(scenario);
                rows.Add(row);
                Console.WriteLine($"  {row.Name,-44} {row.Count,10:N0} in {row.Seconds,6:F2} s = {row.Rate,10:N0}/s  peak heap {Mb(row.PeakHeap),5:F0} MB{(row.Note is null ? "" : "  " + row.Note)}");
                if (!row.Ok)
                {
                    await Console.Error.WriteLineAsync($"error: {row.Name}: {row.Note}");
                    return 1;
                }
            }

            Console.WriteLine();
            PrintTable(rows);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<Row> MeasureAsync(LedgerScenario scenario)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var sampler = MemorySampler.Start(SampleEvery);
        var clock = Stopwatch.StartNew();
        var outcome = await scenario.Run();
        clock.Stop();
        var (peak, _) = sampler.Stop();
        return new Row(scenario.Name, scenario.Baseline, outcome.Count, (outcome.Elapsed ?? clock.Elapsed).TotalSeconds, peak, outcome.Ok, outcome.Note);
    }

    private static void PrintTable(List<Row> rows)
    {
        Console.WriteLine("| scenario | records | records/s | vs baseline | peak heap MB | note |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            var baseline = row.Baseline is null ? null : rows.FirstOrDefault(r => r.Name == row.Baseline);
            var ratio = baseline is null ? "" : $"{row.Rate / baseline.Rate:F2}";
            Console.WriteLine($"| {row.Name} | {row.Count:N0} | {row.Rate:N0} | {ratio} | {Mb(row.PeakHeap):F0} | {row.Note} |");
        }

        Console.WriteLine();
        Console.WriteLine("vs baseline: this scenario's records/s divided by that of the baseline it names (measured in this run). Peak heap: GC.GetTotalMemory(false) sampled every 10 ms, including the record keys held by the harness.");
    }

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    private sealed record Row(string Name, string? Baseline, long Count, double Seconds, long PeakHeap, bool Ok, string? Note)
    {
        public double Rate => Count / Seconds;
    }
}

/// <summary>One measured step: its name, the baseline it is compared with, and the work.</summary>
internal sealed record LedgerScenario(string Name, string? Baseline, Func<Task<LedgerOutcome>> Run);

/// <summary>
/// What a scenario did: how many records, whether the check passed, a note for the table, and the time its measured
/// part took when it timed that part itself (else the whole scenario is timed).
/// </summary>
internal sealed record LedgerOutcome(long Count, bool Ok = true, string? Note = null, TimeSpan? Elapsed = null);
