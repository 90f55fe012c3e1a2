using System.Diagnostics;
using System.Globalization;
using BatchFactory.Testing;

namespace BatchFactory.Benchmarks.Scaling;

/// <summary>
/// The scaling harness (<c>--scaling</c>): k worker processes run the same AskLLM graph on one PostgreSQL project
/// against the loopback server (latency-bound), for each k; each distinct request must reach the server once. It
/// reports the rate of the whole (requests over the span from the first worker's start to the last one's end), its
/// ratio to k times the single-worker rate (target at least 0.8), and the CPU the workers, the server and PostgreSQL
/// spent, against the CPU the machine had in that time. See benchmarks/README.md.
/// </summary>
internal static class ScalingHarness
{
    // The worker processes share this machine's cores with each other, the server and PostgreSQL, where k machines would
    // have a core or more each: a thread pool thread with nothing to do does not spin waiting for work (the runtime's
    // default, cheap on a machine of one's own), which here takes the CPU another process needs.
    private static readonly Dictionary<string, string> WorkerEnvironment = new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" };

    public static async Task<int> RunAsync(ScalingHarnessOptions options)
    {
        await using var server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { Latency = TimeSpan.FromMilliseconds(options.LatencyMs), MaxRecordedRequests = 0 });
        await using var schema = await ScalingSchema.CreateAsync(options.Postgres!);
        options = options with { Postgres = schema.ConnectionString };
        var ideal = options.Concurrency * 1000.0 / options.LatencyMs;
        Console.WriteLine($"Scaling harness: {options.Requests:N0} distinct requests, concurrency {options.Concurrency} per worker, server latency {options.LatencyMs} ms (ideal {ideal:N0}/s per worker), {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        var rows = new List<(int Workers, Measured Run, long Requests)>();
        var ok = true;
        foreach (var k in options.Workers)
        {
            var run = await MeasureAsync(options, server, $"scaling-bench-{Guid.NewGuid():N}", k);
            var requests = server.ChatRequests;
            rows.Add((k, run, requests));
            Console.WriteLine($"  {k} worker(s): {run.Seconds:F2} s, {options.Requests / run.Seconds:N0} requests/s, server saw {requests:N0} requests, calls made {run.Calls:N0}, load average {LoadAverage()}");
            foreach (var worker in run.Workers)
            {
                Console.WriteLine($"    worker: from +{worker.From:F2} s to +{worker.To:F2} s, {worker.Calls:N0} calls, CPU {worker.Cpu:F2} s, compiling methods {worker.Jit:F2} s");
            }

            ok &= requests == options.Requests && run.Calls == options.Requests;
        }

        var single = rows.FirstOrDefault(r => r.Workers == 1).Run?.Seconds is { } one ? options.Requests / one : 0;
        Console.WriteLine();
        Console.WriteLine("| workers | seconds | requests/s | vs k × 1 worker (target ≥ 0.80) | server requests | worker CPU s (sum) | worker s compiling methods (sum, wall) | server-process CPU s | PostgreSQL CPU s | CPU used ÷ the machine's |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (workers, run, requests) in rows)
        {
            var rate = options.Requests / run.Seconds;
            var vs = single > 0 ? (rate / (workers * single)).ToString("F2", CultureInfo.InvariantCulture) : "";
            var used = (run.WorkerCpu + run.ServerCpu + run.PostgresCpu) / (Environment.ProcessorCount * run.Seconds);
            Console.WriteLine($"| {workers} | {run.Seconds:F2} | {rate:N0} | {vs} | {requests:N0} | {run.WorkerCpu:F2} | {run.WorkerJit:F2} | {run.ServerCpu:F2} | {run.PostgresCpu:F2} | {used:F2} |");
        }

        if (!ok)
        {
            await Console.Error.WriteLineAsync($"error: every run must send each of the {options.Requests:N0} requests exactly once.");
        }

        return ok ? 0 : 1;
    }

    private static async Task<Measured> MeasureAsync(ScalingHarnessOptions options, OpenAICompatibleServer server, string project, int workers)
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
            var postgresCpu = PostgresCpu.Seconds();
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

            // The server processes of the workers' connections end with the workers: read once they have been reaped.
            var serverSpent = (Process.GetCurrentProcess().TotalProcessorTime - serverCpu).TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(1));
            var postgresSpent = PostgresCpu.Seconds() - postgresCpu;
            long Ticks(string[] d, int i) => long.Parse(d[i], CultureInfo.InvariantCulture);
            var first = done.Min(d => Ticks(d, 1));
            var each = done.Select(d => new Worker(
                TimeSpan.FromTicks(Ticks(d, 1) - first).TotalSeconds,
                TimeSpan.FromTicks(Ticks(d, 2) - first).TotalSeconds,
                Ticks(d, 4),
                Ticks(d, 3) / 1000.0,
                Ticks(d, 7) / 1000.0)).ToList();
            return new Measured(each.Max(w => w.To), each, serverSpent, postgresSpent);
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
        ChildProcess.Start(["--scaling-worker", project, options.Postgres!, server.BaseUri.ToString(), options.Requests.ToString(CultureInfo.InvariantCulture), options.Concurrency.ToString(CultureInfo.InvariantCulture)], WorkerEnvironment);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    // One worker's run: its start and end in seconds from the first worker's start, its calls, CPU and compiling time.
    private sealed record Worker(double From, double To, long Calls, double Cpu, double Jit);

    // One measured run of k workers: its span, its workers, and the CPU seconds the server process and PostgreSQL spent.
    private sealed record Measured(double Seconds, IReadOnlyList<Worker> Workers, double ServerCpu, double PostgresCpu)
    {
        public long Calls => Workers.Sum(w => w.Calls);

        public double WorkerCpu => Workers.Sum(w => w.Cpu);

        public double WorkerJit => Workers.Sum(w => w.Jit);
    }
}
