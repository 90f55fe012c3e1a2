using System.Diagnostics;

namespace BatchFactory.Benchmarks.Ledger;

/// <summary>The ledger harness's scenarios, in the order they run (later ones read what earlier ones wrote).</summary>
internal sealed class LedgerScenarios(LedgerRecords records, LedgerHarnessOptions options, string folder)
{
    private const string RawBaseline = "baseline: serialise + buffered write";
    private const int LookupBatch = 1000;
    private const int WarmUpLookups = 5000;
    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(2);
    private static readonly string SqliteRerun = $"{LedgerBackend.Sqlite.Name} AskLLM cached rerun";

    public IEnumerable<LedgerScenario> All()
    {
        yield return new(RawBaseline, null, () => Task.FromResult(new LedgerOutcome(LedgerBaselines.RawJsonlWrite(records, Path.Combine(folder, "raw.jsonl")))));
        var backends = LedgerBackends.All(options.Postgres).Where(b => options.Backend == "all" || b.Name.Equals(options.Backend, StringComparison.OrdinalIgnoreCase)).ToList();
        if (backends.Any(b => b.Baseline == LedgerBaselines.NaiveSqliteName))
        {
            yield return new(LedgerBaselines.NaiveSqliteName, null, () => Task.FromResult(new LedgerOutcome(LedgerBaselines.NaiveSqliteWrite(records, Path.Combine(folder, "naive.sqlite")))));
        }

        foreach (var backend in backends)
        {
            yield return new($"{backend.Name} append, 1 caller", backend.Baseline ?? RawBaseline, () => AppendAsync(backend, "sequential", options.Sequential, 1, durable: false));
            yield return new($"{backend.Name} append, {options.Writers} callers", backend.Baseline ?? RawBaseline, () => AppendAsync(backend, "ledger", records.Count, options.Writers, durable: false));
            yield return new($"{backend.Name} reopen {records.Count:N0} records", null, () => ReopenAsync(backend, "ledger"));
            yield return new($"{backend.Name} lookups, batches of {LookupBatch:N0}", null, () => LookupAsync(backend, "ledger", batched: true));
            yield return new($"{backend.Name} lookups, one at a time", null, () => LookupAsync(backend, "ledger", batched: false));
            yield return new($"{backend.Name} append durable, {options.Writers} callers", null, () => AppendAsync(backend, "durable", options.Durable, options.Writers, durable: true));
        }

        // The cached rerun on each database backend, next to SQLite's (the ratio is the coordination overhead).
        foreach (var backend in backends.Where(b => b.Name != LedgerBackend.Jsonl.Name))
        {
            yield return new($"{backend.Name} AskLLM fresh run", null, () => LedgerRerun.RunAsync(backend, folder, options.Rerun, cached: false));
            yield return new($"{backend.Name} AskLLM cached rerun", backend.Name == LedgerBackend.Sqlite.Name ? null : SqliteRerun, () => LedgerRerun.RunAsync(backend, folder, options.Rerun, cached: true));
        }
    }

    private async Task<LedgerOutcome> AppendAsync(LedgerBackends.Backend backend, string name, int count, int writers, bool durable)
    {
        await using var ledger = await backend.Open(folder, name, new LedgerOptions { Durable = durable });
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < count; i += writers)
            {
                await ledger.AppendAsync(records.Keys[i], LedgerRecords.Value(i));
            }
        })));
        return ledger.Count == count
            ? new LedgerOutcome(count)
            : new LedgerOutcome(count, false, $"the ledger holds {ledger.Count:N0} keys, expected {count:N0}");
    }

    // Memory held is measured as the heap with the reopened ledger minus the heap once it is closed and dropped
    // (both after a full GC), so the harness's own data (the keys) cancels out.
    private async Task<LedgerOutcome> ReopenAsync(LedgerBackends.Backend backend, string name)
    {
        var clock = Stopwatch.StartNew();
        var ledger = await backend.Open(folder, name, null);
        var ready = await ledger.TryGetAsync(records.Keys[records.Count / 2]);
        clock.Stop();
        var count = ledger.Count;
        var withLedger = GC.GetTotalMemory(forceFullCollection: true);
        await ledger.DisposeAsync();
        ledger = null;
        await FlushThreadPoolAsync();
        var held = withLedger - GC.GetTotalMemory(forceFullCollection: true);
        var note = $"ready in {clock.Elapsed.TotalSeconds:F2} s, {(double)held / records.Count:F0} B/record held";
        return ready is null || count != records.Count
            ? new LedgerOutcome(records.Count, false, $"reopened ledger has {count:N0} keys or lost a record")
            : new LedgerOutcome(records.Count, true, note);
    }

    // Idle pool threads can keep the last object they touched reachable; give each a fresh work item.
    private static async Task FlushThreadPoolAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount * 4).Select(_ => Task.Run(() => Thread.Sleep(1))));
    }

    // Times only the lookups, in their steady state: the ledger is opened first (its reopen has a row of its own), and
    // the lookup code is run on the single caller's ledger beforehand for at least two seconds, long enough for the
    // JIT's tiers to replace the first, unoptimised code (the pages of the ledger measured stay as the appends left them).
    // A database server cleans up after the appends in the background: on PostgreSQL the ledger is compacted first
    // (VACUUM), which autovacuum would otherwise do at a moment of its choosing, perhaps amid the timed lookups.
    private async Task<LedgerOutcome> LookupAsync(LedgerBackends.Backend backend, string name, bool batched)
    {
        await using var ledger = await backend.Open(folder, name, null);
        if (backend.Store is Ledgers.PostgresBackend)
        {
            await ledger.CompactAsync();
        }

        await using (var warm = await backend.Open(folder, "sequential", null))
        {
            var warming = Stopwatch.StartNew();
            for (var round = 0; warming.Elapsed < WarmUpTime; round++)
            {
                await LookUpAsync(warm, RandomKeys(options.Sequential, Math.Min(WarmUpLookups, options.Sequential), seed: 3 + round), batched);
            }
        }

        var keys = RandomKeys(records.Count, options.Lookups, seed: 7);
        var clock = Stopwatch.StartNew();
        var found = await LookUpAsync(ledger, keys, batched);
        clock.Stop();
        return found == keys.Length
            ? new LedgerOutcome(keys.Length, Elapsed: clock.Elapsed)
            : new LedgerOutcome(keys.Length, false, $"found {found:N0} of {keys.Length:N0} present keys");
    }

    // count keys drawn at random among the first `among` records.
    private string[] RandomKeys(int among, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => records.Keys[random.Next(among)]).ToArray();
    }

    // How many of the keys the ledger has.
    private static async Task<int> LookUpAsync(ILedger ledger, string[] keys, bool batched)
    {
        var found = 0;
        if (batched)
        {
            for (var start = 0; start < keys.Length; start += LookupBatch)
            {
                var batch = keys.AsMemory(start, Math.Min(LookupBatch, keys.Length - start)).ToArray();
                found += (await ledger.TryGetManyAsync(batch)).Count(v => v is not null);
            }
        }
        else
        {
            foreach (var key in keys)
            {
                found += await ledger.TryGetAsync(key) is null ? 0 : 1;
            }
        }

        return found;
    }
}
