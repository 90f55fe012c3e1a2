namespace BatchFactory.Benchmarks.ControlFlow;

/// <summary>Options of the control-flow harness (<c>--control-flow</c>).</summary>
internal sealed record ControlFlowHarnessOptions(int Masters, int Items, int Entries, int Rounds, int Repeats)
{
    public const string Usage =
        "usage: dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks -- --control-flow [--masters N] [--items N] [--entries N] [--loop-rounds N] [--repeats N]";

    public static ControlFlowHarnessOptions Parse(string[] args)
    {
        var options = new ControlFlowHarnessOptions(10_000, 10, 100_000, 10, 5);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--control-flow" => options,
                "--masters" => options with { Masters = Cli.PositiveInt("--masters", Cli.Value(args, ref i)) },
                "--items" => options with { Items = Cli.PositiveInt("--items", Cli.Value(args, ref i)) },
                "--entries" => options with { Entries = Cli.PositiveInt("--entries", Cli.Value(args, ref i)) },
                "--loop-rounds" => options with { Rounds = Cli.PositiveInt("--loop-rounds", Cli.Value(args, ref i)) },
                "--repeats" => options with { Repeats = Cli.PositiveInt("--repeats", Cli.Value(args, ref i)) },
                _ => throw new ArgumentException($"unknown option '{args[i]}'."),
            };
        }

        return options;
    }
}
