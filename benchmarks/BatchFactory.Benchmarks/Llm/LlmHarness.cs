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
            await PipelineAsync(server, folder + "-warm", Math.Min(2_000, options.Requests), options.Concurrency);
            await PipelineAsync(server, folder + "-warm", Math.Min(2_000, options.Requests), options.Concurrency);
            server.Reset();

            var bare = await BareLoopAsync(server, options.Requests, options.Concurrency, "q");
            var bareRequests = server.ChatRequests;
            server.Reset();
            var fresh = await PipelineAsync(server, folder, options.Requests, options.Concurrency);
            var freshRequests = server.ChatRequests;
            server.Reset();
            var cached = await PipelineAsync(server, folder, options.Requests, options.Concurrency);
            var cachedRequests = server.ChatRequests;

            Console.WriteLine();
            Console.WriteLine("| scenario | entries | seconds | per second | requests to the server | vs bare loop | vs ideal |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            Row("bare IChatClient loop", options.Requests, bare, bareRequests, null, ideal);
            Row("AskLLM, fresh", options.Requests, fresh.Seconds, freshRequests, bare, ideal);
            Row("AskLLM, fully cached rerun", options.Requests, cached.Seconds, cachedRequests, null, null);
            var ok = freshRequests == options.Requests && cachedRequests == 0 && fresh.Count == options.Requests && cached.Count == options.Requests;
            if (!ok)
            {
                await Console.Error.WriteLineAsync($"error: expected {options.Requests:N0} requests and results fresh and 0 requests cached; got {freshRequests:N0}/{fresh.Count:N0} and {cachedRequests:N0}/{cached.Count:N0}.");
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

    private static async Task<(double Seconds, int Count)> PipelineAsync(OpenAICompatibleServer server, string folder, int requests, int concurrency)
    {
        var environment = new Dictionary<string, string> { [OpenAIProvider.ApiKeyVariable] = "bench", [OpenAIProvider.BaseUrlVariable] = server.BaseUri.ToString() };
        var models = ModelProviders.Default.With(new OpenAIProvider(environment.GetValueOrDefault));
        await using var project = ProjectFolder.Open("llm-bench", "1", new ProjectFolderOptions { DataDirectory = folder });
        var g = FromList(Enumerable.Range(0, requests), outputKey: "n")
            | AskLLM("q {n}", "gpt-4o-mini@openai", "answer", new AskOptions { Concurrency = concurrency })
            | ToList("answer");
        var clock = Stopwatch.StartNew();
        var result = await g.RunAsync(new RunOptions { Project = project, Models = models });
        return (clock.Elapsed.TotalSeconds, checked((int)result.Count));
    }
}
