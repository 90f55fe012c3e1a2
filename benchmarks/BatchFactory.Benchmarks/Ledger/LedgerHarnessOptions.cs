namespace BatchFactory.Benchmarks.Ledger;

/// <summary>Command-line options of the ledger harness.</summary>
internal sealed record LedgerHarnessOptions
{
    public const string Usage =
        """
        usage: dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --ledger [options]
          --records N      records appended per backend (default 1,000,000)
          --sequential N   records appended by the single caller (default 200,000)
          --durable N      records appended in the durable (fsync) scenarios (default 100,000)
          --writers N      concurrent appenders (default 64)
          --lookups N      random present keys looked up (default 200,000)
          --rerun N        entries of the AskLLM fresh run and cached rerun on each database backend (default 50,000)
          --backend NAME   jsonl, sqlite, postgresql or all (default all)
          --postgres CS    also measure the PostgreSQL backend on this connection string (default $BATCHFACTORY_POSTGRES, if set)
          --dir PATH       where the ledger files go (default the temp folder); they are deleted afterwards
        """;

    public int Records { get; init; } = 1_000_000;

    public int Sequential { get; init; } = 200_000;

    public int Durable { get; init; } = 100_000;

    public int Writers { get; init; } = 64;

    public int Lookups { get; init; } = 200_000;

    /// <summary>Entries of the AskLLM fresh run and cached rerun measured on SQLite and PostgreSQL.</summary>
    public int Rerun { get; init; } = 50_000;

    public string? Directory { get; init; }

    /// <summary>The connection string of a PostgreSQL database to measure the PostgreSQL backend on; none to leave it out.</summary>
    public string? Postgres { get; init; } = Environment.GetEnvironmentVariable("BATCHFACTORY_POSTGRES") is { Length: > 0 } cs ? cs : null;

    /// <summary>Which backends to measure (lower-case names); empty for all.</summary>
    public string Backend { get; init; } = "all";

    public static LedgerHarnessOptions Parse(string[] args)
    {
        var options = Cli.Parse(args, "--ledger", new LedgerHarnessOptions(), new Dictionary<string, Func<LedgerHarnessOptions, string, LedgerHarnessOptions>>
        {
            ["--records"] = (o, v) => o with { Records = Cli.PositiveInt("--records", v) },
            ["--sequential"] = (o, v) => o with { Sequential = Cli.PositiveInt("--sequential", v) },
            ["--durable"] = (o, v) => o with { Durable = Cli.PositiveInt("--durable", v) },
            ["--writers"] = (o, v) => o with { Writers = Cli.PositiveInt("--writers", v) },
            ["--lookups"] = (o, v) => o with { Lookups = Cli.PositiveInt("--lookups", v) },
            ["--rerun"] = (o, v) => o with { Rerun = Cli.PositiveInt("--rerun", v) },
            ["--backend"] = (o, v) => o with { Backend = v is "jsonl" or "sqlite" or "postgresql" or "all" ? v : throw new ArgumentException("--backend takes jsonl, sqlite, postgresql or all.") },
            ["--postgres"] = (o, v) => o with { Postgres = v },
            ["--dir"] = (o, v) => o with { Directory = v },
        });

        return options with { Sequential = Math.Min(options.Sequential, options.Records), Durable = Math.Min(options.Durable, options.Records), Lookups = Math.Min(options.Lookups, options.Records) };
    }
}
