using System.Diagnostics;
using System.Globalization;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Scaling;

/// <summary>
/// One worker process of the scaling harness (<c>--scaling-worker PROJECT CS SERVER REQUESTS CONCURRENCY</c>): warms up
/// on warm-up projects the harness's k workers share, says <c>ready</c>, waits for a line on its input, runs the graph
/// on the shared project, prints <c>done START END CPU_MS CALLS CACHED COUNT JIT_MS</c> (the run's start and end in UTC
/// ticks, its process CPU time, and the time the runtime spent compiling methods during the run), and exits.
/// </summary>
internal static class ScalingWorker
{
    private const int WarmUpRequests = 1000;
    private const int WarmUpRounds = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var at = Array.IndexOf(args, "--scaling-worker");
        var (project, postgres, server, requests, concurrency) = (args[at + 1], args[at + 2], args[at + 3], int.Parse(args[at + 4], CultureInfo.InvariantCulture), int.Parse(args[at + 5], CultureInfo.InvariantCulture));
        var environment = new Dictionary<string, string> { [OpenAIProvider.ApiKeyVariable] = "bench", [OpenAIProvider.BaseUrlVariable] = server };
        var models = ModelProviders.Default.With(new OpenAIProvider(environment.GetValueOrDefault));

        // The warm-up asks as many prompts as the measured run (at least 1,000) three times, each round on a project the k
        // workers share (so that waiting for another worker's answer is warmed up too, and an op's full input buffers),
        // and not the measured one, so the measured run starts with a JIT-ed worker and the process's PostgreSQL pools open
        // (they outlive a run: PostgresConnection.PoolLinger). The runtime counts calls for its optimised tier only once no
        // new method was compiled for 100 ms, so a round that keeps compiling new methods promotes few: each round is
        // followed by a quiet spell, and the next round's calls are counted.
        for (var round = 0; round < WarmUpRounds; round++)
        {
            await RunAsync($"{project}-warm-{round}", postgres, models, $"warm-{round}", Math.Max(WarmUpRequests, requests), concurrency);
            await JitQuietAsync();
        }

        Console.WriteLine("ready");
        _ = Console.ReadLine();

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var start = DateTime.UtcNow.Ticks;
        var result = await RunAsync(project, postgres, models, "q", requests, concurrency);
        var end = DateTime.UtcNow.Ticks;
        var spent = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var compiling = (System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done {start} {end} {spent:F0} {result.Calls} {result.CachedCalls} {result.Count} {compiling:F0}"));
        return 0;
    }

    // The runtime compiles the warm-up's methods again, optimised, on a background thread, for several seconds after the
    // warm-up on 2 busy cores: that CPU belongs to no request. Waits until it compiles fewer than 20 methods in half a
    // second (at most 30 seconds).
    private static async Task JitQuietAsync()
    {
        var quietBy = DateTime.UtcNow.AddSeconds(30);
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (DateTime.UtcNow < quietBy)
        {
            await Task.Delay(500);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now - compiled < 20)
            {
                return;
            }

            compiled = now;
        }
    }

    private static async Task<RunResult> RunAsync(string name, string postgres, ModelProviders models, string prefix, int requests, int concurrency)
    {
        await using var project = ProjectFolder.Open(name, "1", new ProjectFolderOptions { DataDirectory = Path.Combine(Path.GetTempPath(), $"batchfactory-scaling-{Environment.ProcessId}"), Backend = LedgerBackend.Postgres(postgres) });
        var graph = FromList(Enumerable.Range(0, requests), outputKey: "n")
            | AskLLM(prefix + " {n}", "gpt-4o-mini@openai", "answer", new AskOptions { Concurrency = concurrency })
            | ToList("answer");
        return await graph.RunAsync(new RunOptions { Project = project, Models = models });
    }
}
