namespace BatchFactory.Demos;

/// <summary>
/// The options every demo takes: <c>--model model@provider</c> (default: the <c>BATCHFACTORY_MODEL</c> environment
/// variable, else an offline model, so no key is needed) and <c>--data-dir</c> (where project folders go, default
/// <c>./data</c>), and <c>--postgres [connection string]</c> (keep the project's ledgers in PostgreSQL, shared by every
/// worker that runs the demo against it; without a value, from <c>BATCHFACTORY_POSTGRES</c>).
/// </summary>
public sealed record DemoOptions(string Model, string DataDirectory, bool ShowHelp, string? Postgres = null)
{
    /// <summary>The environment variable that picks the model when <c>--model</c> is not given.</summary>
    public const string ModelVariable = "BATCHFACTORY_MODEL";

    /// <summary>Reads the options from the command line and the environment.</summary>
    /// <param name="args">The demo's arguments.</param>
    /// <param name="defaultModel">The model when neither <c>--model</c> nor <see cref="ModelVariable"/> names one.</param>
    /// <exception cref="ArgumentException">An unknown option, or an option without its value.</exception>
    public static DemoOptions Parse(string[] args, string defaultModel)
    {
        string? model = null, dataDirectory = null, postgres = null;
        var help = false;
        bool batch = false, estimate = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model":
                    model = Value(args, ref i);
                    break;
                case "--data-dir":
                    dataDirectory = Value(args, ref i);
                    break;
                case "--postgres":
                    postgres = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "";
                    break;
                case "--batch":
                    batch = true;
                    break;
                case "--estimate":
                    estimate = true;
                    break;
                case "-h" or "--help":
                    help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'.");
            }
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(ModelVariable);
        return new DemoOptions(model ?? (string.IsNullOrWhiteSpace(fromEnvironment) ? defaultModel : fromEnvironment), dataDirectory ?? "data", help, postgres) { Batch = batch, Estimate = estimate };
    }

    /// <summary>Whether <c>--batch</c> was given: model calls go through the provider's batch API (<see cref="CallMode.Batch"/>). Default <see langword="false"/>.</summary>
    public bool Batch { get; init; }

    /// <summary>
    /// Whether <c>--estimate</c> was given: the demo prints what its first graph would send to the model and cost, live
    /// and in batches (<see cref="GraphRunExtensions.EstimateAsync"/>), and stops without sending or writing anything.
    /// Default <see langword="false"/>.
    /// </summary>
    public bool Estimate { get; init; }

    /// <summary>The mode of the demo's model calls: <see cref="CallMode.Batch"/> with <c>--batch</c>, else <see cref="CallMode.Live"/>.</summary>
    public CallMode Mode => Batch ? CallMode.Batch : CallMode.Live;

    /// <summary>
    /// Opens the demo's project folder, <c>&lt;data dir&gt;/&lt;name&gt;/1</c>, with its ledgers in PostgreSQL when
    /// <c>--postgres</c> was given.
    /// </summary>
    /// <param name="name">The demo's project name.</param>
    /// <returns>The open project; dispose it when done.</returns>
    /// <exception cref="InvalidOperationException"><c>--postgres</c> was given without a value and <c>BATCHFACTORY_POSTGRES</c> is not set.</exception>
    public ProjectFolder OpenProject(string name) => ProjectFolder.Open(name, "1", new ProjectFolderOptions
    {
        DataDirectory = DataDirectory,
        Backend = Postgres switch
        {
            null => LedgerBackend.Jsonl,
            "" => LedgerBackend.Postgres(),
            _ => LedgerBackend.Postgres(Postgres),
        },
    });

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
