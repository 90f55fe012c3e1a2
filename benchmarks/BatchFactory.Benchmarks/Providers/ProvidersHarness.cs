using System.Diagnostics;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime;
using BatchFactory.Testing;
using Microsoft.Extensions.AI;
using OpenAI;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Providers;

/// <summary>
/// The providers harness (<c>--providers</c>): fresh AskLLM calls through a pool of four loopback servers against one
/// server alone, and with an OpenTelemetry listener attached against without, each pair measured in the same run in
/// interleaved rounds. See benchmarks/README.md.
/// </summary>
internal static class ProvidersHarness
{
    private const int Servers = 4;
    private const int PerServer = 64;

    public static async Task<int> RunAsync(ProvidersHarnessOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"batchfactory-providers-bench-{Environment.ProcessId}");
        try
        {
            await using var servers = await PoolServers.StartAsync(Servers, options.LatencyMs, options.ServersInProcess);
            var models = ModelProviders.Default
                .With("single", new ProviderSettings { Kind = "openai-compatible", BaseUrl = servers.BaseUris[0].ToString() })
                .With("pool", new ProviderSettings { Kind = "openai-compatible", BaseUrls = [.. servers.BaseUris.Select(u => u.ToString())], MaxConcurrencyPerEndpoint = PerServer });
            await using var project = ProjectFolder.Open("providers-bench", "1", new ProjectFolderOptions { DataDirectory = folder });
            var bench = new Bench(servers, models, project);
            Console.WriteLine($"Providers harness: {Servers} loopback servers ({(servers.InChild ? "in a child process; --servers in-process for this one" : "in this process")}), latency {options.LatencyMs} ms, {options.Rounds} rounds; every prompt distinct, so every call is fresh. GC: {(GCSettings.IsServerGC ? "server (--gc workstation for workstation GC)" : "workstation (--gc server for server GC)")}, {(AppContext.TryGetSwitch("System.GC.Concurrent", out var concurrent) && !concurrent ? "not concurrent" : "concurrent")}.");

            var ok = await PoolAsync(bench, options) & await TelemetryAsync(bench, options);
            return ok ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    // The pool (4 servers, at most 64 requests each, AskLLM concurrency 256) against one server with concurrency 64.
    private static async Task<bool> PoolAsync(Bench bench, ProvidersHarnessOptions options)
    {
        var single = options.Requests;
        var pool = options.Requests * Servers;
        var ideal = PerServer * 1000.0 / options.LatencyMs;
        Console.WriteLine($"Pool: {pool:N0} requests through 'pool' ({Servers} servers, cap {PerServer} each, concurrency {Servers * PerServer}) vs {single:N0} through 'single' (1 server, concurrency {PerServer}); ideal {ideal:N0}/s per server.");
        await bench.RunAsync("gpt-4o-mini@single", Math.Min(single, 1_000), PerServer);
        await bench.RunAsync("gpt-4o-mini@pool", pool, Servers * PerServer);
        await bench.BareAsync(Math.Min(pool, 2_000));

        var ok = true;
        var rows = new List<(Result Single, Result Pool, Result Bare)>();
        for (var round = 0; round < options.Rounds; round++)
        {
            Result s, p, bare;
            if (round % 2 == 0)
            {
                s = await bench.RunAsync("gpt-4o-mini@single", single, PerServer);
                p = await bench.RunAsync("gpt-4o-mini@pool", pool, Servers * PerServer);
                bare = await bench.BareAsync(pool);
            }
            else
            {
                bare = await bench.BareAsync(pool);
                p = await bench.RunAsync("gpt-4o-mini@pool", pool, Servers * PerServer);
                s = await bench.RunAsync("gpt-4o-mini@single", single, PerServer);
            }

            var ratio = p.Rate / (Servers * s.Rate);
            ok &= Check("bare loop", bare, pool);
            Console.WriteLine($"  round {round + 1}: single {s.Rate:N0}/s ({Cpu(s)}, GC pauses {s.GcPause:P0}, collections {s.Collections}), pool {p.Rate:N0}/s ({Cpu(p)}, GC pauses {p.GcPause:P0}, collections {p.Collections}, {p.AllocatedPerCall / 1024:F0} KB allocated per call, per server {string.Join(" / ", p.PerServer.Select(n => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}), bare loop {bare.Rate:N0}/s ({Cpu(bare)}, GC pauses {bare.GcPause:P0}, collections {bare.Collections}, {bare.AllocatedPerCall / 1024:F0} KB allocated per call); pool / (4 × single) {ratio:F2}, pool / bare {p.Rate / bare.Rate:F2}");
            ok &= Check("single", s, single) & Check("pool", p, pool);
            rows.Add((s, p, bare));
        }

        Console.WriteLine();
        Console.WriteLine("| scenario | requests per run | median per second | vs ideal | median GC pauses |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| one server, concurrency {PerServer} | {single:N0} | {Median(rows.Select(r => r.Single.Rate)):N0} | {Median(rows.Select(r => r.Single.Rate)) / ideal:F2} | {Median(rows.Select(r => r.Single.GcPause)):P0} |");
        Console.WriteLine($"| pool of {Servers}, cap {PerServer} each | {pool:N0} | {Median(rows.Select(r => r.Pool.Rate)):N0} | {Median(rows.Select(r => r.Pool.Rate)) / (Servers * ideal):F2} | {Median(rows.Select(r => r.Pool.GcPause)):P0} |");
        Console.WriteLine($"| bare IChatClient loop, {PerServer} tasks per server | {pool:N0} | {Median(rows.Select(r => r.Bare.Rate)):N0} | {Median(rows.Select(r => r.Bare.Rate)) / (Servers * ideal):F2} | {Median(rows.Select(r => r.Bare.GcPause)):P0} |");
        Console.WriteLine();
        Console.WriteLine($"pool / ({Servers} × single), per round, median: {Median(rows.Select(r => r.Pool.Rate / (Servers * r.Single.Rate))):F2} (target at least 0.90)");
        Console.WriteLine($"pool / bare loop over the same {Servers} servers, per round, median: {Median(rows.Select(r => r.Pool.Rate / r.Bare.Rate)):F2}");
        Console.WriteLine();
        return ok;
    }

    // Fresh calls through one server with and without the OpenTelemetry SDK tracing and metering 'BatchFactory'.
    private static async Task<bool> TelemetryAsync(Bench bench, ProvidersHarnessOptions options)
    {
        const int concurrency = 256;
        var requests = options.TelemetryRequests;
        Console.WriteLine($"Telemetry: {requests:N0} requests per run through 'single' (concurrency {concurrency}), with and without the OpenTelemetry SDK tracing and metering '{BatchFactoryTelemetry.Name}' (spans through the batch export processor).");
        await bench.RunAsync("gpt-4o-mini@single", Math.Min(requests, 2_000), concurrency);
        using (new OpenTelemetryListeners())
        {
            await bench.RunAsync("gpt-4o-mini@single", Math.Min(requests, 2_000), concurrency);
        }

        var ok = true;
        var rows = new List<(Result Off, Result On)>();
        for (var round = 0; round < options.Rounds; round++)
        {
            Result off, on;
            long spans, measurements;
            if (round % 2 == 0)
            {
                off = await bench.RunAsync("gpt-4o-mini@single", requests, concurrency);
                (on, spans, measurements) = await WatchedAsync(bench, requests, concurrency);
            }
            else
            {
                (on, spans, measurements) = await WatchedAsync(bench, requests, concurrency);
                off = await bench.RunAsync("gpt-4o-mini@single", requests, concurrency);
            }

            Console.WriteLine($"  round {round + 1}: without {off.Rate:N0}/s ({Cpu(off)}), with {on.Rate:N0}/s ({Cpu(on)}; {spans:N0} spans, {measurements:N0} calls counted), with / without {on.Rate / off.Rate:F3}");
            ok &= Check("without listeners", off, requests) & Check("with listeners", on, requests);
            if (spans < requests + 1 || measurements != requests)
            {
                Console.Error.WriteLine($"error: the OpenTelemetry SDK exported {spans:N0} spans and counted {measurements:N0} calls; expected at least one span per call and the run's span, and {requests:N0} calls.");
                ok = false;
            }

            rows.Add((off, on));
        }

        Console.WriteLine();
        Console.WriteLine("| scenario | requests per run | median per second | median CPU µs per call |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| no listener | {requests:N0} | {Median(rows.Select(r => r.Off.Rate)):N0} | {Median(rows.Select(r => r.Off.CpuMicroseconds)):F0} |");
        Console.WriteLine($"| OpenTelemetry SDK: tracer (batch export processor) and meter providers | {requests:N0} | {Median(rows.Select(r => r.On.Rate)):N0} | {Median(rows.Select(r => r.On.CpuMicroseconds)):F0} |");
        Console.WriteLine();
        Console.WriteLine($"with / without listeners, per round, median: {Median(rows.Select(r => r.On.Rate / r.Off.Rate)):F3} (target within 5%: at least 0.95)");
        return ok;
    }

    private static async Task<(Result Result, long Spans, long Measurements)> WatchedAsync(Bench bench, int requests, int concurrency)
    {
        using var listeners = new OpenTelemetryListeners();
        var result = await bench.RunAsync("gpt-4o-mini@single", requests, concurrency);
        return (result, listeners.SpansExported(), listeners.CallsCounted());
    }

    private static bool Check(string name, Result result, int requests)
    {
        if (result.Count == requests && result.PerServer.Sum() == requests)
        {
            return true;
        }

        Console.Error.WriteLine($"error: {name}: expected {requests:N0} results and requests; got {result.Count:N0} results and {result.PerServer.Sum():N0} requests.");
        return false;
    }

    private static string Cpu(Result result) =>
        result.ServerCpuMicroseconds > 0 ? $"CPU {result.CpuMicroseconds:F0} µs/call, servers {result.ServerCpuMicroseconds:F0}" : $"CPU {result.CpuMicroseconds:F0} µs/call";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    // CpuMicroseconds, GcPause, AllocatedPerCall: this process's CPU per request, share of the run's wall time in GC
    // pauses, garbage collections of generations 0/1/2 during the run, and bytes allocated per request (the client and library; the servers too when they run in this process).
    // ServerCpuMicroseconds: the servers' child process's CPU per request (0 when they run in this process).
    private sealed record Result(double Rate, int Count, double CpuMicroseconds, double ServerCpuMicroseconds, long[] PerServer, double GcPause, string Collections, double AllocatedPerCall);

    // Runs AskLLM over distinct prompts (a new prefix per run, so the ledger never answers) and counts what each server saw.
    private sealed class Bench(PoolServers servers, ModelProviders models, ProjectFolder project)
    {
        private int _run;

        public async Task<Result> RunAsync(string model, int requests, int concurrency)
        {
            var run = ++_run;
            var graph = FromList(Enumerable.Range(0, requests), outputKey: "n")
                | AskLLM($"run {run} q {{n}}", model, "answer", new AskOptions { Concurrency = concurrency })
                | ToList("answer");
            return await MeasureAsync(requests, async () => (await graph.RunAsync(new RunOptions { Project = project, Models = models })).Count);
        }

        // The floor for any client on this machine: 64 tasks per server, each sending distinct prompts through the
        // OpenAI SDK's IChatClient to its own server as fast as it answers.
        public async Task<Result> BareAsync(int requests)
        {
            var run = ++_run;
            var clients = servers.BaseUris.Select(uri => new OpenAIClient(new ApiKeyCredential("bench"), new OpenAIClientOptions { Endpoint = uri, RetryPolicy = new ClientRetryPolicy(0) })
                .GetChatClient("gpt-4o-mini").AsIChatClient()).ToArray();
            var next = -1;
            var answered = 0L;
            return await MeasureAsync(requests, async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, clients.Length * PerServer).Select(task => Task.Run(async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < requests)
                    {
                        await clients[task % clients.Length].GetResponseAsync([new ChatMessage(ChatRole.User, $"bare {run} q {i}")]);
                        Interlocked.Increment(ref answered);
                    }
                })));
                return answered;
            });
        }

        // Runs `work` (which returns how many answers it got) after a full GC, with the servers' counts reset.
        private async Task<Result> MeasureAsync(int requests, Func<Task<long>> work)
        {
            await servers.ResetAsync();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var serverCpu = servers.ChildCpu;
            var paused = GC.GetTotalPauseDuration();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            var clock = Stopwatch.StartNew();
            var count = await work();
            var seconds = clock.Elapsed.TotalSeconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            var serverCpuMs = (servers.ChildCpu - serverCpu).TotalMilliseconds;
            var gcPause = (GC.GetTotalPauseDuration() - paused).TotalSeconds / seconds;
            var perCall = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)requests;
            var gcs = $"{GC.CollectionCount(0) - collections[0]}/{GC.CollectionCount(1) - collections[1]}/{GC.CollectionCount(2) - collections[2]}";
            return new Result(requests / seconds, checked((int)count), cpuMs * 1000 / requests, serverCpuMs * 1000 / requests, await servers.ChatRequestsAsync(), gcPause, gcs, perCall);
        }
    }
}
