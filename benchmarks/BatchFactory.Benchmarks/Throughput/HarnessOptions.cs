namespace BatchFactory.Benchmarks.Throughput;

/// <summary>Command-line options of the throughput harness.</summary>
internal sealed record HarnessOptions
{
    public const string Usage =
        """
        usage: dotnet run -c Release --project benchmarks/BatchFactory.Benchmarks [-- options]
          --entries N        entries per measured run (default 1,000,000)
          --rounds N         measured rounds; each round runs every scenario once (default 5)
          --warmup N         entries in the warm-up run of each scenario (default 100,000, at most --entries)
          --raw-filter KIND  how the raw Dataflow chain filters: 'null' (TransformBlock returning null + LinkTo
                             predicate, the default) or 'many' (TransformManyBlock returning 0 or 1 items)
          --subscriber       measure what watching a run costs instead: ours and ours, bounded, each with and without a
                             RunMonitor with one subscriber; the ratio is with / without, per round
          --workload NAME    'dataflow' (the default: ours vs hand-written Dataflow) or 'python': the Python reference's
                             workload (FromList {keyword, 200-char text} | MapField upper | Filter even | SetField),
                             ending in OutputEntries(), ToList(...) and Count()
          --micro [ARGS]     run the BenchmarkDotNet micro-benchmarks instead; ARGS go to BenchmarkSwitcher
        """;

    public int Entries { get; init; } = 1_000_000;

    public int Rounds { get; init; } = 5;

    public int Warmup { get; init; } = 100_000;

    public RawFilter RawFilter { get; init; } = RawFilter.NullPlusPredicate;

    /// <summary>Run the subscriber-overhead scenarios instead of the comparison with raw Dataflow.</summary>
    public bool Subscriber { get; init; }

    /// <summary>Which scenarios run: the comparison with raw Dataflow (default) or the Python reference's workload.</summary>
    public WorkloadKind Workload { get; init; } = WorkloadKind.Dataflow;

    public bool ShowHelp { get; init; }

    public static HarnessOptions Parse(string[] args)
    {
        var options = new HarnessOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--entries" or "-n":
                    options = options with { Entries = Cli.PositiveInt(arg, Cli.Value(args, ref i)) };
                    break;
                case "--rounds":
                    options = options with { Rounds = Cli.PositiveInt(arg, Cli.Value(args, ref i)) };
                    break;
                case "--warmup":
                    options = options with { Warmup = Cli.PositiveInt(arg, Cli.Value(args, ref i)) };
                    break;
                case "--raw-filter":
                    options = options with
                    {
                        RawFilter = Cli.Value(args, ref i) switch
                        {
                            "null" => RawFilter.NullPlusPredicate,
                            "many" => RawFilter.TransformMany,
                            var other => throw new ArgumentException($"--raw-filter takes 'null' or 'many', not '{other}'."),
                        },
                    };
                    break;
                case "--subscriber":
                    options = options with { Subscriber = true };
                    break;
                case "--workload":
                    options = options with
                    {
                        Workload = Cli.Value(args, ref i) switch
                        {
                            "dataflow" => WorkloadKind.Dataflow,
                            "python" => WorkloadKind.Python,
                            var other => throw new ArgumentException($"--workload takes 'dataflow' or 'python', not '{other}'."),
                        },
                    };
                    break;
                case "--help" or "-h" or "-?":
                    options = options with { ShowHelp = true };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{arg}'.");
            }
        }

        if (options.Subscriber && options.Workload != WorkloadKind.Dataflow)
        {
            throw new ArgumentException("--subscriber measures the dataflow workload; leave out --workload python.");
        }

        return options with { Warmup = Math.Min(options.Warmup, options.Entries) };
    }
}

/// <summary>How the raw Dataflow chain drops the entries the filter rejects.</summary>
internal enum RawFilter
{
    /// <summary>A TransformBlock returns null for a rejected entry; a LinkTo predicate routes nulls to a NullTarget.</summary>
    NullPlusPredicate,

    /// <summary>A TransformManyBlock returns no item for a rejected entry and one for a kept entry.</summary>
    TransformMany,
}

/// <summary>The scenarios the throughput harness runs.</summary>
internal enum WorkloadKind
{
    /// <summary>Ours and a hand-written TPL Dataflow chain over the same rows (the default).</summary>
    Dataflow,

    /// <summary>The workload the Python batchfactory was timed on, with three endings (see <see cref="PythonWorkload"/>).</summary>
    Python,
}
