using System.Diagnostics;
using BatchFactory.Benchmarks.Throughput;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Batches;

/// <summary>
/// The batch harness (<c>--batch-mode</c>): AskLLM in <see cref="CallMode.Batch"/> against the loopback server's files
/// and batches endpoints (processing time 0), next to the fully cached rerun of the same graph as the baseline measured in
/// the same run. Reports requests per second, the process's peak working set and the managed heap's peak; with
/// <c>--server-process</c> the server runs in a child process, so both are the library's alone. See benchmarks/README.md.
/// </summary>
internal static class BatchHarness
{
    // What the process and the server spent up to now; the difference of two is what a run spent.
    private readonly record struct Counters(TimeSpan Cpu, TimeSpan GcPause, long Allocated, TimeSpan Server)
    {
        public static async Task<Counters> NowAsync(BatchServer server) =>
            new(Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: true), (await server.CountsAsync()).Work);

        public static Counters operator -(Counters a, Counters b) => new(a.Cpu - b.Cpu, a.GcPause - b.GcPause, a.Allocated - b.Allocated, a.Server - b.Server);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var requests = Option(args, "--requests", 100_000);
        var perBatch = Option(args, "--per-batch", BatchOptions.OpenAIMaxRequests);
        var waiting = Option(args, "--waiting", new BatchOptions().MaxWaitingPerOp);
        var folder = Path.Combine(Path.GetTempPath(), $"batchfactory-batch-bench-{Environment.ProcessId}");
        await using var server = await BatchServer.StartAsync(args.Contains("--server-process"));
        var where = server.InChild ? "in a child process" : "in this process";
        Console.WriteLine($"Batch harness: {requests:N0} requests, at most {perBatch:N0} per batch and {waiting:N0} waiting, loopback server {where} at {server.BaseUri}");
        try
        {
            await RunOnceAsync(server, folder + "-warm", Math.Min(2_000, requests), perBatch, waiting);
            await server.ResetAsync();
            var batchesBefore = (await server.CountsAsync()).Batches;
            var startWorkingSet = Environment.WorkingSet;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var before = await Counters.NowAsync(server);
            int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            var sampler = MemorySampler.Start(TimeSpan.FromMilliseconds(10));
            var fresh = await RunOnceAsync(server, folder, requests, perBatch, waiting);
            var (peakHeap, peakAfterGc) = sampler.Stop();
            var spent = await Counters.NowAsync(server) - before;
            var gcs = string.Join(" / ", Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collections[g]));
            var peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;
            var (_, batchesAfter, serverFiles, chat) = await server.CountsAsync();
            var batches = batchesAfter - batchesBefore;
            var cached = await RunOnceAsync(server, folder, requests, perBatch, waiting);
            var (_, batchesAtEnd, _, chatAtEnd) = await server.CountsAsync();

            // The library's own work: the run's wall time less the server's time in its files and batches endpoints
            // (every one of them is awaited by the batch it serves: reading the upload, validating the file, answering
            // its lines during the poll that finds it done, sending the output).
            var own = fresh.Seconds - spent.Server.TotalSeconds;
            Console.WriteLine();
            Console.WriteLine("| scenario | requests | seconds | per second | chat requests | batches | vs cached rerun |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| AskLLM in batch mode, fresh | {requests:N0} | {fresh.Seconds:F2} | {requests / fresh.Seconds:N0} | {chat:N0} | {batches:N0} | {cached.Seconds / fresh.Seconds:F2} |");
            Console.WriteLine($"| of which the library's own work (less the server's {spent.Server.TotalSeconds:F2} s) | {requests:N0} | {own:F2} | {requests / own:N0} | | | {cached.Seconds / own:F2} |");
            Console.WriteLine($"| same graph, fully cached rerun | {requests:N0} | {cached.Seconds:F2} | {requests / cached.Seconds:N0} | {chatAtEnd - chat:N0} | {batchesAtEnd - batchesAfter:N0} | 1.00 |");
            Console.WriteLine();
            Console.WriteLine($"Fresh run: process CPU {spent.Cpu.TotalSeconds:F2} s ({spent.Cpu.TotalMilliseconds * 1000 / requests:F0} µs per request, {(server.InChild ? "this process only" : "server included")}), GC pauses {spent.GcPause.TotalSeconds:F2} s (collections of gen 0 / 1 / 2: {gcs}), allocated {spent.Allocated / (double)requests:N0} B per request.");
            Console.WriteLine($"Peak managed heap during the fresh run: {peakHeap / 1e6:N0} MB ({peakAfterGc / 1e6:N0} MB right after a GC), of which the server's files {serverFiles / 1e6:N0} MB; process peak working set: {peakWorkingSet / 1e6:N0} MB (at start of the run {startWorkingSet / 1e6:N0} MB). The server runs {where} and keeps its files on disk.");
            Console.WriteLine($"Load average: {LoadAverage()}");
            var most = (requests + perBatch - 1) / perBatch;
            var ok = fresh.Count == requests && cached.Count == requests && chat == 0 && batches <= most && chatAtEnd == 0;
            if (!ok)
            {
                await Console.Error.WriteLineAsync($"error: expected {requests:N0} answers, 0 chat requests and at most {most} batches; got {fresh.Count:N0}/{cached.Count:N0}, {chatAtEnd:N0} chat requests, {batches} batches.");
            }

            return ok ? 0 : 1;
        }
        finally
        {
            foreach (var path in new[] { folder, folder + "-warm" })
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
        }
    }

    private static async Task<(double Seconds, long Count)> RunOnceAsync(BatchServer server, string folder, int requests, int perBatch, int waiting)
    {
        var environment = new Dictionary<string, string> { [OpenAIProvider.ApiKeyVariable] = "bench", [OpenAIProvider.BaseUrlVariable] = server.BaseUri.ToString() };
        var models = ModelProviders.Default.With(new OpenAIProvider(environment.GetValueOrDefault));
        await using var project = ProjectFolder.Open("batch-bench", "1", new ProjectFolderOptions { DataDirectory = folder });
        var g = FromList(Enumerable.Range(0, requests), outputKey: "n")
            | AskLLM("q {n}", "gpt-4o-mini@openai", "answer", new AskOptions { Mode = CallMode.Batch })
            | Count();
        var clock = Stopwatch.StartNew();
        var result = await g.RunAsync(new RunOptions { Project = project, Models = models, Batch = new BatchOptions { MaxRequestsPerBatch = perBatch, MaxWaitingPerOp = waiting } });
        return (clock.Elapsed.TotalSeconds, result.Count);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) && value > 0
            ? value
            : at >= 0 ? throw new ArgumentException($"{name} needs a positive whole number.") : fallback;
    }
}
