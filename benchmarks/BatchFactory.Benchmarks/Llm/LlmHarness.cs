using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using BatchFactory.Testing;
using Microsoft.Extensions.AI;
using OpenAI;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Llm;

/// <summary>
/// The LLM harness (<c>--llm</c>): AskLLM against the loopback OpenAI-compatible server through the real OpenAI SDK,
/// next to a bare <see cref="IChatClient"/> loop with the same concurrency against the same server in the same run;
/// then the same run again, fully cached. See benchmarks/README.md.
/// </summary>
internal static class LlmHarness
{
    public static async Task<int> RunAsync(LlmHarnessOptions options)
    {
        if (options.RateLimit is not null)
        {
            return await RateLimitScenario.RunAsync(options);
        }

        var folder = Path.Combine(Path.GetTempPath(), $"batchfactory-llm-bench-{Environment.ProcessId}");
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Latency = TimeSpan.FromMilliseconds(options.LatencyMs) });
        var ideal = options.Concurrency * 1000.0 / options.LatencyMs;
        Console.WriteLine($"LLM harness: {options.Requests:N0} requests, concurrency {options.Concurrency}, server latency {options.LatencyMs} ms (ideal {ideal:N0} calls/s), loopback server at {server.BaseUri}");
        try
        {
            // Warm-up: JIT and connections for both paths, and the cached path of the pipeline.
            await BareLoopAsync(server, Math.Min(2_000, options.Requests), options.Concurrency, "warm");
            foreach (var typed in new[] { false, true })
            {
                await PipelineAsync(server, folder + "-warm", Math.Min(2_000, options.Requests), options.Concurrency, typed);
                await PipelineAsync(server, folder + "-warm", Math.Min(2_000, options.Requests), options.Concurrency, typed);
            }

            server.Reset();

            var bare = await BareLoopAsync(server, options.Requests, options.Concurrency, "q");
            var bareRequests = server.ChatRequests;
            server.Reset();
            var fresh = await PipelineAsync(server, folder, options.Requests, options.Concurrency);
            var freshRequests = server.ChatRequests;
            server.Reset();
            var cached = await PipelineAsync(server, folder, options.Requests, options.Concurrency);
            var cachedRequests = server.ChatRequests;
            server.Reset();
            var typedFresh = await PipelineAsync(server, folder + "-typed", options.Requests, options.Concurrency, typed: true);
            var typedFreshRequests = server.ChatRequests;
            server.Reset();
            var typedCached = await PipelineAsync(server, folder + "-typed", options.Requests, options.Concurrency, typed: true);
            var typedCachedRequests = server.ChatRequests;

            Console.WriteLine();
            Console.WriteLine("| scenario | entries | seconds | per second | requests to the server | vs bare loop | vs ideal |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            Row("bare IChatClient loop", options.Requests, bare, bareRequests, null, ideal);
            Row("AskLLM, fresh", options.Requests, fresh.Seconds, freshRequests, bare, ideal);
            Row("AskLLM, fully cached rerun", options.Requests, cached.Seconds, cachedRequests, null, null);
            Row("AskLLM<T>, fresh", options.Requests, typedFresh.Seconds, typedFreshRequests, bare, ideal);
            Row("AskLLM<T>, fully cached rerun", options.Requests, typedCached.Seconds, typedCachedRequests, null, null);
            Console.WriteLine();
            Console.WriteLine($"AskLLM<T> cached rerun / AskLLM cached rerun (entries/s): {cached.Seconds / typedCached.Seconds:F2} (target at least 0.80)");
            var plainCpu = fresh.CpuMs * 1000 / options.Requests;
            Console.WriteLine($"CPU per fresh call (client and server, whole process): AskLLM {plainCpu:F1} µs, AskLLM<T> {typedFresh.CpuMs * 1000 / options.Requests:F1} µs, ratio {typedFresh.CpuMs / fresh.CpuMs:F2}");
            var check = CheckMicroseconds(options.Requests);
            Console.WriteLine($"Validation alone (strict read, DataAnnotations, value for the entry): {check:F2} µs per answer, {check / plainCpu:P1} of the CPU of a plain fresh call (target below 10%)");
            var ok = freshRequests == options.Requests && cachedRequests == 0 && fresh.Count == options.Requests && cached.Count == options.Requests
                && typedFreshRequests == options.Requests && typedCachedRequests == 0 && typedFresh.Count == options.Requests && typedCached.Count == options.Requests;
            if (!ok)
            {
                await Console.Error.WriteLineAsync($"error: expected {options.Requests:N0} requests and results fresh and 0 requests cached; got {freshRequests:N0}/{fresh.Count:N0} and {cachedRequests:N0}/{cached.Count:N0}.");
            }

            return ok ? 0 : 1;
        }
        finally
        {
            foreach (var path in new[] { folder, folder + "-warm", folder + "-typed" })
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
        }
    }

    private static void Row(string name, int entries, double seconds, long requests, double? bareSeconds, double? ideal)
    {
        var rate = entries / seconds;
        var vsBare = bareSeconds is { } b ? $"{b / seconds:F2}" : "";
        var vsIdeal = ideal is { } i ? $"{rate / i:F2}" : "";
        Console.WriteLine($"| {name} | {entries:N0} | {seconds:F2} | {rate:N0} | {requests:N0} | {vsBare} | {vsIdeal} |");
    }

    private static async Task<double> BareLoopAsync(OpenAICompatibleServer server, int requests, int concurrency, string prefix)
    {
        var client = new OpenAIClient(new ApiKeyCredential("bench"), new OpenAIClientOptions { Endpoint = server.BaseUri, RetryPolicy = new ClientRetryPolicy(0) })
            .GetChatClient("gpt-4o-mini").AsIChatClient();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                await client.GetResponseAsync([new ChatMessage(ChatRole.User, $"{prefix} {i}")]);
            }
        })));
        return clock.Elapsed.TotalSeconds;
    }

    // typed: AskLLM<Answer> (a 3-field record, its schema sent, each answer read and validated) instead of AskLLM.
    private static async Task<(double Seconds, int Count, double CpuMs)> PipelineAsync(OpenAICompatibleServer server, string folder, int requests, int concurrency, bool typed = false)
    {
        var environment = new Dictionary<string, string> { [OpenAIProvider.ApiKeyVariable] = "bench", [OpenAIProvider.BaseUrlVariable] = server.BaseUri.ToString() };
        var models = ModelProviders.Default.With(new OpenAIProvider(environment.GetValueOrDefault));
        await using var project = ProjectFolder.Open("llm-bench", "1", new ProjectFolderOptions { DataDirectory = folder });
        var ask = typed
            ? AskLLM<Answer>("q {n}", "gpt-4o-mini@openai", "answer", new AskOptions<Answer> { Concurrency = concurrency })
            : AskLLM("q {n}", "gpt-4o-mini@openai", "answer", new AskOptions { Concurrency = concurrency });
        var g = FromList(Enumerable.Range(0, requests), outputKey: "n") | ask | ToList("answer");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await g.RunAsync(new RunOptions { Project = project, Models = models });
        var seconds = clock.Elapsed.TotalSeconds;
        return (seconds, checked((int)result.Count), (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
    }

    // The CPU time of checking one answer of the harness's type, on one thread, over answers the offline provider would give.
    private static double CheckMicroseconds(int count)
    {
        var type = new BatchFactory.Operators.AnswerType<Answer>(null);
        var answers = Enumerable.Range(0, count).Select(i => BatchFactory.Brokers.SchemaInstance.Create(type.Schema, (ulong)i)!.ToJsonString()).ToArray();
        foreach (var answer in answers.Take(2_000))
        {
            type.Check(answer, type.Wrapped);
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var valid = answers.Count(answer => type.Check(answer, type.Wrapped).Valid);
        var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return valid == count ? spent.TotalMilliseconds * 1000 / count : throw new InvalidOperationException($"Only {valid:N0} of {count:N0} answers were valid.");
    }

    /// <summary>The typed answer of the harness: three fields, one with a range.</summary>
    internal sealed record Answer(string Title, string Text, [property: System.ComponentModel.DataAnnotations.Range(1, 100)] int Score);
}
