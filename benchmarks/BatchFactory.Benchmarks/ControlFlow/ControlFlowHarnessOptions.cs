namespace BatchFactory.Benchmarks.ControlFlow;

/// <summary>Options of the control-flow harness (<c>--control-flow</c>).</summary>
internal sealed record ControlFlowHarnessOptions(int Masters, int Items, int Entries, int Rounds, int Repeats)
{
    public const string Usage =
        "usage: dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --control-flow [--masters N] [--items N] [--entries N] [--loop-rounds N] [--repeats N]";

    public static ControlFlowHarnessOptions Parse(string[] args) =>
        Cli.Parse(args, "--control-flow", new ControlFlowHarnessOptions(10_000, 10, 100_000, 10, 5), new Dictionary<string, Func<ControlFlowHarnessOptions, string, ControlFlowHarnessOptions>>
        {
            ["--masters"] = (o, v) => o with { Masters = Cli.PositiveInt("--masters", v) },
            ["--items"] = (o, v) => o with { Items = Cli.PositiveInt("--items", v) },
            ["--entries"] = (o, v) => o with { Entries = Cli.PositiveInt("--entries", v) },
            ["--loop-rounds"] = (o, v) => o with { Rounds = Cli.PositiveInt("--loop-rounds", v) },
            ["--repeats"] = (o, v) => o with { Repeats = Cli.PositiveInt("--repeats", v) },
        });
}
