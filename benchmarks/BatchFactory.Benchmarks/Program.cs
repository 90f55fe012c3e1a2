// Benchmarks for BatchFactory. From the repository root:
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks                     throughput harness (1,000,000 entries)
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --entries 200000 smaller run
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --ledger       ledger harness (appends, lookups, reopen)
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --llm          LLM harness (AskLLM vs a bare client, cached rerun)
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --scaling --postgres CS  1, 2 and 4 worker processes on one PostgreSQL project
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --providers    a pool of 4 servers vs one; OpenTelemetry listeners vs none
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --batch-mode   batch mode: 100,000 requests through the files/batches API (--server-process: server in a child)
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --batch-waiting live bytes per request waiting for its batch
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --control-flow ListParallel and Repeat vs flat pipelines
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --explain      batchfactory ledger explain on 1,000,000 records
//   dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --micro --filter '*'  BenchmarkDotNet micro-benchmarks
// See benchmarks/README.md.
using BatchFactory.Benchmarks.ControlFlow;
using BatchFactory.Benchmarks.Ledger;
using BatchFactory.Benchmarks.Llm;
using BatchFactory.Benchmarks.Providers;
using BatchFactory.Benchmarks.Throughput;
using BenchmarkDotNet.Running;

namespace BatchFactory.Benchmarks;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var micro = Array.IndexOf(args, "--micro");
        if (micro >= 0)
        {
            var rest = args.Where((_, i) => i != micro).ToArray();
            return RunMicro(rest);
        }

        if (args.Contains("--scaling-worker"))
        {
            return await Scaling.ScalingWorker.RunAsync(args);
        }

        if (args.Contains("--scaling"))
        {
            return await RunScalingAsync(args);
        }

        if (args.Contains("--ledger"))
        {
            return await RunLedgerAsync(args);
        }

        if (args.Contains("--explain"))
        {
            return await RunExplainAsync(args);
        }

        if (args.Contains("--control-flow"))
        {
            return await RunControlFlowAsync(args);
        }

        if (args.Contains("--batch-waiting"))
        {
            return await Batches.WaitingBytes.RunAsync(args);
        }

        if (args.Contains("--pool-servers"))
        {
            return await PoolServers.ServeAsync(args);
        }

        if (args.Contains("--batch-server"))
        {
            return await Batches.BatchServer.ServeAsync();
        }

        if (args.Contains("--batch-mode"))
        {
            return await Batches.BatchHarness.RunAsync(args);
        }

        if (args.Contains("--providers"))
        {
            return await RunProvidersAsync(args);
        }

        if (args.Contains("--llm"))
        {
            return await RunLlmAsync(args);
        }

        HarnessOptions options;
        try
        {
            options = HarnessOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync(HarnessOptions.Usage);
            return 2;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(HarnessOptions.Usage);
            return 0;
        }

        return await Harness.RunAsync(options);
    }

    private static async Task<int> RunLedgerAsync(string[] args)
    {
        try
        {
            return await LedgerHarness.RunAsync(LedgerHarnessOptions.Parse(args));
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync(LedgerHarnessOptions.Usage);
            return 2;
        }
    }

    private static async Task<int> RunScalingAsync(string[] args)
    {
        try
        {
            return await Scaling.ScalingHarness.RunAsync(Scaling.ScalingHarnessOptions.Parse(args));
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync(Scaling.ScalingHarnessOptions.Usage);
            return 2;
        }
    }

    private static async Task<int> RunControlFlowAsync(string[] args)
    {
        try
        {
            return await ControlFlowHarness.RunAsync(ControlFlowHarnessOptions.Parse(args));
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync(ControlFlowHarnessOptions.Usage);
            return 2;
        }
    }

    private static async Task<int> RunExplainAsync(string[] args)
    {
        try
        {
            return await Explain.ExplainHarness.RunAsync(Explain.ExplainHarnessOptions.Parse(args));
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync(Explain.ExplainHarnessOptions.Usage);
            return 2;
        }
    }

    private static async Task<int> RunLlmAsync(string[] args)
    {
        try
        {
            return await LlmHarness.RunAsync(LlmHarnessOptions.Parse(args));
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync(LlmHarnessOptions.Usage);
            return 2;
        }
    }

    private static async Task<int> RunProvidersAsync(string[] args)
    {
        try
        {
            var options = ProvidersHarnessOptions.Parse(args);

            // The GC is chosen when a process starts: a harness under the other one runs again as a child that is, once
            // (the runtime keeps workstation GC on a single CPU whatever it is asked).
            const string rerun = "BATCHFACTORY_BENCH_GC_RERUN";
            if (options.ServerGc == System.Runtime.GCSettings.IsServerGC || Environment.GetEnvironmentVariable(rerun) == "1")
            {
                return await ProvidersHarness.RunAsync(options);
            }

            return await ChildProcess.RunAgainAsync(args, new Dictionary<string, string> { ["DOTNET_gcServer"] = options.ServerGc ? "1" : "0", [rerun] = "1" });
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            await Console.Error.WriteLineAsync(ProvidersHarnessOptions.Usage);
            return 2;
        }
    }

    private static int RunMicro(string[] args)
    {
        // Without a filter BenchmarkDotNet asks interactively which benchmarks to run; default to all of them.
        var hasFilter = args.Any(a => a is "--filter" or "-f" || a.StartsWith("--filter=", StringComparison.Ordinal)
            || a is "--list" || a.StartsWith("--list=", StringComparison.Ordinal) || a is "--help" or "-h" or "--version");
        var switcherArgs = hasFilter ? args : [.. args, "--filter", "*"];
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(switcherArgs);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
