using System.Diagnostics;
using BatchFactory.Testing;
using static BatchFactory.Ops;

namespace BatchFactory.Benchmarks.Llm;

/// <summary>
/// The rate-limit scenario (<c>--llm --rate-limit RPM</c>): AskLLM with a requests-per-minute limit well below what
/// the server could answer, against a server that enforces the same limit (429 for any request beyond it in the last
/// 60 seconds). Reports the busiest minute and the mean rate over whole minutes against the limit, and the number
/// of 429s, which must be 0.
/// </summary>
internal static class RateLimitScenario
{
    public static async Task<int> RunAsync(LlmHarnessOptions options)
    {
        var limit = options.RateLimit!.Value;
        var requests = options.Requests;
        var window = TimeSpan.FromMinutes(1);
        var sent = new Queue<DateTimeOffset>();
        var refused = 0;
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions
        {
            Latency = TimeSpan.FromMilliseconds(options.LatencyMs),
            FailureSelector = request =>
            {
                lock (sent)
                {
                    while (sent.Count > 0 && request.ReceivedAt - sent.Peek() >= window)
                    {
                        sent.Dequeue();
                    }

                    if (sent.Count >= limit)
                    {
                        refused++;
                        return Failure.TooManyRequests(retryAfterSeconds: 1);
                    }

                    sent.Enqueue(request.ReceivedAt);
                    return null;
                }
            },
        });
        Console.WriteLine($"Rate-limit scenario: {requests:N0} requests, limit {limit:N0}/min on both sides, concurrency {options.Concurrency}; expect about {Math.Max(0, (requests - 1) / limit):N0} minute(s).");

        var folder = Path.Combine(Path.GetTempPath(), $"batchfactory-llm-rate-{Environment.ProcessId}");
        try
        {
            var environment = new Dictionary<string, string> { [OpenAIProvider.ApiKeyVariable] = "bench", [OpenAIProvider.BaseUrlVariable] = server.BaseUri.ToString() };
            await using var project = ProjectFolder.Open("llm-rate", "1", new ProjectFolderOptions { DataDirectory = folder });
            var run = new RunOptions
            {
                Project = project,
                Models = ModelProviders.Default.With(new OpenAIProvider(environment.GetValueOrDefault)),
                Broker = new BrokerOptions { RateLimit = new RateLimitOptions { RequestsPerMinute = limit, MaxConcurrency = options.Concurrency } },
            };
            var clock = Stopwatch.StartNew();
            var result = await (FromList(Enumerable.Range(0, requests), outputKey: "n") | AskLLM("q {n}", "gpt-4o-mini@openai", "answer", new AskOptions { Concurrency = options.Concurrency }) | ToList("answer")).RunAsync(run);
            clock.Stop();

            var times = server.Requests.Select(r => r.ReceivedAt).Order().ToList();
            var busiest = times.Select((start, i) => times.Skip(i).TakeWhile(t => t - start < window).Count()).DefaultIfEmpty(0).Max();
            var minutes = (int)((times[^1] - times[0]) / window);
            var perMinute = minutes >= 1 ? times.Count(t => t - times[0] < minutes * window) / (double)minutes : double.NaN;
            Console.WriteLine();
            Console.WriteLine("| limit/min | requests | answered | 429s | run seconds | busiest minute | mean of whole minutes | mean ÷ limit |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| {limit:N0} | {times.Count:N0} | {result.Output.Count:N0} | {refused:N0} | {clock.Elapsed.TotalSeconds:F1} | {busiest:N0} | {perMinute:N0} | {perMinute / limit:F3} |");
            Console.WriteLine();
            Console.WriteLine("Busiest minute: the most requests the server received in any 60 s from one of them (the limit allows no more).");
            Console.WriteLine($"Mean of whole minutes: requests received in the first {minutes} whole minute(s) from the first request, per minute.");
            return refused == 0 && result.Output.Count == requests ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
