using BatchFactory.Testing;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Batches;

/// <summary>
/// The live bytes of one request waiting for its batch (<c>--batch-waiting [--requests N] [--hold S]</c>, default 20,000): the
/// batch harness's graph with <c>MaxWaitingPerOp</c> and <c>MaxRequestsPerBatch</c> of N, against a server whose
/// batches never finish; once the batch of all N is created, the managed heap after a full compacting GC less the heap
/// before the run, divided by N. The server keeps its files on disk, so they are not counted. See benchmarks/README.md.
/// </summary>
internal static class WaitingBytes
{
    // --hold S: keeps the requests waiting S seconds after measuring, to take a heap dump.
    private static TimeSpan Hold { get; set; }

    public static async Task<int> RunAsync(string[] args)
    {
        var at = Array.IndexOf(args, "--requests");
        var requests = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
        var hold = Array.IndexOf(args, "--hold");
        Hold = hold >= 0 && hold + 1 < args.Length ? TimeSpan.FromSeconds(int.Parse(args[hold + 1], System.Globalization.CultureInfo.InvariantCulture)) : TimeSpan.Zero;
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions
        {
            MaxRecordedRequests = 0,
            BatchProcessingTime = TimeSpan.FromDays(1),
            BatchFilesOnDisk = true,
        });
        var folder = Path.Combine(Path.GetTempPath(), $"batchfactory-waiting-bench-{Environment.ProcessId}");
        try
        {
            // A warm-up run of the same shape, so code and caches are in place before the baseline.
            await MeasureAsync(server, folder + "-warm", Math.Min(1_000, requests), report: false);
            await MeasureAsync(server, folder, requests, report: true);
            return 0;
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

    private static async Task MeasureAsync(OpenAICompatibleServer server, string folder, int requests, bool report)
    {
        var environment = new Dictionary<string, string> { [OpenAIProvider.ApiKeyVariable] = "bench", [OpenAIProvider.BaseUrlVariable] = server.BaseUri.ToString() };
        var models = ModelProviders.Default.With(new OpenAIProvider(environment.GetValueOrDefault));
        await using var project = ProjectFolder.Open("waiting-bench", "1", new ProjectFolderOptions { DataDirectory = folder });
        var g = FromList(Enumerable.Range(0, requests), outputKey: "n")
            | AskLLM("q {n}", "gpt-4o-mini@openai", "answer", new AskOptions { Mode = CallMode.Batch })
            | Count();
        var before = Heap();
        var created = server.BatchesCreated;
        using var stop = new CancellationTokenSource();
        var run = g.RunAsync(new RunOptions { Project = project, Models = models, Batch = new BatchOptions { MaxRequestsPerBatch = requests, MaxWaitingPerOp = requests } }, stop.Token);
        while (server.BatchesCreated == created && !run.IsCompleted)
        {
            await Task.Delay(50);
        }

        await Task.Delay(500);
        var waiting = Heap();
        if (report)
        {
            Console.WriteLine($"{requests:N0} requests waiting for their batch: heap {before / 1e6:N1} MB before the run, {waiting / 1e6:N1} MB while they wait: {(waiting - before) / (double)requests:N0} B per waiting request.");
            if (Hold > TimeSpan.Zero)
            {
                Console.WriteLine($"Holding for {Hold.TotalSeconds:N0} s: dotnet-gcdump collect -p {Environment.ProcessId}");
                await Task.Delay(Hold);
            }

            Console.WriteLine($"Load average: {(File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown")}");
        }

        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
