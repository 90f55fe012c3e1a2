namespace BatchFactory.Benchmarks.Providers;

/// <summary>Command-line options of the providers harness (<c>--providers</c>).</summary>
internal sealed record ProvidersHarnessOptions
{
    public const string Usage =
        """
        usage: dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --providers [options]
          --requests N     AskLLM entries per single-server run; a pool run sends 4× as many (default 3,000)
          --telemetry N    AskLLM entries per run of the telemetry comparison (default 5,000)
          --rounds N       measured rounds of each comparison (default 5)
          --latency MS     every test server's latency per request (default 50)
          --servers WHERE  child (default: the four servers in a child process) or in-process
          --gc KIND        server (default: the harness runs again under server GC unless it already does) or workstation
        """;

    public int Requests { get; init; } = 3_000;

    public int TelemetryRequests { get; init; } = 5_000;

    public int Rounds { get; init; } = 5;

    public int LatencyMs { get; init; } = 50;

    public bool ServersInProcess { get; init; }

    /// <summary>Whether the measured process runs under server GC (the default) rather than workstation GC.</summary>
    public bool ServerGc { get; init; } = true;

    public static ProvidersHarnessOptions Parse(string[] args) =>
        Cli.Parse(args, "--providers", new ProvidersHarnessOptions(), new Dictionary<string, Func<ProvidersHarnessOptions, string, ProvidersHarnessOptions>>
        {
            ["--requests"] = (o, v) => o with { Requests = Cli.PositiveInt("--requests", v) },
            ["--telemetry"] = (o, v) => o with { TelemetryRequests = Cli.PositiveInt("--telemetry", v) },
            ["--rounds"] = (o, v) => o with { Rounds = Cli.PositiveInt("--rounds", v) },
            ["--latency"] = (o, v) => o with { LatencyMs = Cli.PositiveInt("--latency", v) },
            ["--servers"] = (o, v) => o with
            {
                ServersInProcess = v switch
                {
                    "in-process" => true,
                    "child" => false,
                    _ => throw new ArgumentException($"--servers takes child or in-process, not '{v}'."),
                },
            },
            ["--gc"] = (o, v) => o with
            {
                ServerGc = v switch
                {
                    "server" => true,
                    "workstation" => false,
                    _ => throw new ArgumentException($"--gc takes server or workstation, not '{v}'."),
                },
            },
        });
}
