namespace BatchFactory.Benchmarks.Explain;

/// <summary>Options of the <c>--explain</c> harness: how many ledger records, how many timed repeats.</summary>
internal sealed record ExplainHarnessOptions(int Records, int Repeats)
{
    public const string Usage =
        "usage: dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --explain [--records 1000000] [--repeats 3]";

    public static ExplainHarnessOptions Parse(string[] args) =>
        Cli.Parse(args, "--explain", new ExplainHarnessOptions(1_000_000, 3), new Dictionary<string, Func<ExplainHarnessOptions, string, ExplainHarnessOptions>>
        {
            ["--records"] = (o, v) => o with { Records = Cli.PositiveInt("--records", v) },
            ["--repeats"] = (o, v) => o with { Repeats = Cli.PositiveInt("--repeats", v) },
        });
}
