namespace BatchFactory.Benchmarks.Llm;

/// <summary>Command-line options of the LLM harness.</summary>
internal sealed record LlmHarnessOptions
{
    public const string Usage =
        """
        usage: dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --llm [options]
          --requests N     AskLLM entries (distinct prompts) per run (default 20,000)
          --concurrency N  requests in flight, for both the bare loop and CallLLM (default 256)
          --latency MS     the test server's latency per request (default 50)
          --rate-limit RPM instead, run the rate-limit scenario: AskLLM limited to RPM requests/min against a
                           server enforcing the same limit (use --requests of 2–3× RPM; takes minutes)
        """;

    public int Requests { get; init; } = 20_000;

    public int Concurrency { get; init; } = 256;

    public int LatencyMs { get; init; } = 50;

    /// <summary>Requests per minute for the rate-limit scenario; <see langword="null"/> runs the throughput scenarios.</summary>
    public int? RateLimit { get; init; }

    public static LlmHarnessOptions Parse(string[] args) =>
        Cli.Parse(args, "--llm", new LlmHarnessOptions(), new Dictionary<string, Func<LlmHarnessOptions, string, LlmHarnessOptions>>
        {
            ["--requests"] = (o, v) => o with { Requests = Cli.PositiveInt("--requests", v) },
            ["--concurrency"] = (o, v) => o with { Concurrency = Cli.PositiveInt("--concurrency", v) },
            ["--rate-limit"] = (o, v) => o with { RateLimit = Cli.PositiveInt("--rate-limit", v) },
            ["--latency"] = (o, v) => o with { LatencyMs = Cli.PositiveInt("--latency", v) },
        });
}
