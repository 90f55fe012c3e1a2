namespace BatchFactory.Benchmarks.Scaling;

/// <summary>Command-line options of the scaling harness.</summary>
internal sealed record ScalingHarnessOptions
{
    public const string Usage =
        """
        usage: dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --scaling --postgres CS [options]
          --postgres CS    the PostgreSQL database the workers share (default $BATCHFACTORY_POSTGRES)
          --workers LIST   numbers of worker processes to measure, comma-separated (default 1,2,4)
          --requests N     distinct requests in the graph every worker runs (default 2,000)
          --concurrency N  AskLLM concurrency per worker (default 32)
          --latency MS     the test server's latency per request (default 50)
        """;

    public string? Postgres { get; init; } = Environment.GetEnvironmentVariable("BATCHFACTORY_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public IReadOnlyList<int> Workers { get; init; } = [1, 2, 4];

    public int Requests { get; init; } = 2_000;

    public int Concurrency { get; init; } = 32;

    public int LatencyMs { get; init; } = 50;

    public static ScalingHarnessOptions Parse(string[] args)
    {
        var options = Cli.Parse(args, "--scaling", new ScalingHarnessOptions(), new Dictionary<string, Func<ScalingHarnessOptions, string, ScalingHarnessOptions>>
        {
            ["--postgres"] = (o, v) => o with { Postgres = v },
            ["--workers"] = (o, v) => o with { Workers = [.. v.Split(',').Select(w => Cli.PositiveInt("--workers", w))] },
            ["--requests"] = (o, v) => o with { Requests = Cli.PositiveInt("--requests", v) },
            ["--concurrency"] = (o, v) => o with { Concurrency = Cli.PositiveInt("--concurrency", v) },
            ["--latency"] = (o, v) => o with { LatencyMs = Cli.PositiveInt("--latency", v) },
        });
        return options.Postgres is null ? throw new ArgumentException("--scaling needs a PostgreSQL database: give --postgres CS or set BATCHFACTORY_POSTGRES.") : options;
    }
}
