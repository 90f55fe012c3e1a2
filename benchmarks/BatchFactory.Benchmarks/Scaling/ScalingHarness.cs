using System.Diagnostics;
using System.Globalization;
using BatchFactory.Testing;

namespace BatchFactory.Benchmarks.Scaling;

/// <summary>
/// The scaling harness (<c>--scaling</c>): k worker processes run the same AskLLM graph on one PostgreSQL project
/// against the loopback server (latency-bound), for each k; each distinct request must reach the server once. It
/// reports the rate of the whole (requests over the span from the first worker's start to the last one's end), its
/// ratio to k times the single-worker rate (target at least 0.8), and the CPU the workers and the server spent.
/// See benchmarks/README.md.
/// </summary>
internal static class ScalingHarness
{
    public static async Task<int> RunAsync(ScalingHarnessOptions options)
    {
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Latency = TimeSpan.FromMilliseconds(options.LatencyMs), MaxRecordedRequests = 0 });
        var ideal = options.Concurrency * 1000.0 / options.LatencyMs;
        Console.WriteLine($"Scaling harness: {options.Requests:N0} distinct requests, concurrency {options.Concurrency} per worker, server latency {options.LatencyMs} ms (ideal {ideal:N0}/s per worker), {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        var rows = new List<(int Workers, double Rate, double WorkerCpu, double WorkerJit, double ServerCpu, long Requests, double Seconds)>();
        var ok = true;
        foreach (var k in options.Workers)
        {
            var project = $"scaling-bench-{Guid.NewGuid():N}";
            var (seconds, workerCpu, workerJit, serverCpu, calls) = await MeasureAsync(options, server, project, k);
            var requests = server.ChatRequests;
            var rate = options.Requests / seconds;
            rows.Add((k, rate, workerCpu, workerJit, serverCpu, requests, seconds));
            Console.WriteLine($"  {k} worker(s): {seconds:F2} s, {rate:N0} requests/s, server saw {requests:N0} requests, calls made {calls:N0}, load average {LoadAverage()}");
            ok &= requests == options.Requests && calls == options.Requests;
        }

        var single = rows.FirstOrDefault(r => r.Workers == 1).Rate;
        Console.WriteLine();
        Console.WriteLine("| workers | seconds | requests/s | vs k × 1 worker (target ≥ 0.80) | server requests | worker CPU s (sum) | worker s compiling methods (sum, wall) | server-process CPU s |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var vs = single > 0 ? (row.Rate / (row.Workers * single)).ToString("F2", CultureInfo.InvariantCulture) : "";
            Console.WriteLine($"| {row.Workers} | {row.Seconds:F2} | {row.Rate:N0} | {vs} | {row.Requests:N0} | {row.WorkerCpu / 1000:F2} | {row.WorkerJit / 1000:F2} | {row.ServerCpu / 1000:F2} |");
        }

        if (!ok)
        {
            await Console.Error.WriteLineAsync($"error: every run must send each of the {options.Requests:N0} requests exactly once.");
        }

        return ok ? 0 : 1;
    }

    private static async Task<(double Seconds, double WorkerCpuMs, double WorkerJitMs, double ServerCpuMs, long Calls)> MeasureAsync(ScalingHarnessOptions options, OpenAICompatibleServer server, string project, int workers)
    {
        var processes = Enumerable.Range(0, workers).Select(_ => Start(options, server, project)).ToList();
        try
        {
            foreach (var process in processes)
            {
                await ChildProcess.ExpectAsync(process, "ready");
            }

            // The workers' warm-up requests are not counted.
            server.Reset();
            var serverCpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var process in processes)
            {
                await process.StandardInput.WriteLineAsync("go");
                await process.StandardInput.FlushAsync();
            }

            var done = new List<string[]>();
            foreach (var process in processes)
            {
                done.Add((await ChildProcess.ExpectAsync(process, "done")).Split(' '));
                await process.WaitForExitAsync();
            }

            var serverSpent = (Process.GetCurrentProcess().TotalProcessorTime - serverCpu).TotalMilliseconds;
            long Ticks(string[] d, int i) => long.Parse(d[i], CultureInfo.InvariantCulture);
            var seconds = TimeSpan.FromTicks(done.Max(d => Ticks(d, 2)) - done.Min(d => Ticks(d, 1))).TotalSeconds;
            return (seconds, done.Sum(d => Ticks(d, 3)), done.Sum(d => Ticks(d, 7)), serverSpent, done.Sum(d => Ticks(d, 4)));
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }
        }
    }

    private static Process Start(ScalingHarnessOptions options, OpenAICompatibleServer server, string project) =>
        ChildProcess.Start(["--scaling-worker", project, options.Postgres!, server.BaseUri.ToString(), options.Requests.ToString(CultureInfo.InvariantCulture), options.Concurrency.ToString(CultureInfo.InvariantCulture)]);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
