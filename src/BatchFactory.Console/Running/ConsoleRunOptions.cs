namespace BatchFactory;

/// <summary>
/// The options of a console program that runs graphs in a project folder, as the demos and <c>batchfactory run</c>
/// take them: <c>--model model@provider</c> (default: the <c>BATCHFACTORY_MODEL</c> environment variable, else the
/// program's default model), <c>--data-dir DIR</c> (where project folders go, default <c>./data</c>), <c>--batch</c>,
/// <c>--estimate</c>, and <c>--postgres [connection string]</c> (keep the project's ledgers in PostgreSQL, shared by
/// every worker that runs against it; without a value, from <c>BATCHFACTORY_POSTGRES</c>).
/// </summary>
/// <param name="Model">The model the program's graphs call, <c>model@provider</c>.</param>
/// <param name="DataDirectory">Where project folders go; relative paths are from the current directory.</param>
/// <param name="ShowHelp">Whether <c>-h</c> or <c>--help</c> was given.</param>
/// <param name="Postgres">
/// <see langword="null"/> for the default ledger backend (JSONL files); empty for PostgreSQL with the connection string
/// in <c>BATCHFACTORY_POSTGRES</c>; otherwise the connection string.
/// </param>
public sealed record ConsoleRunOptions(string Model, string DataDirectory, bool ShowHelp, string? Postgres = null)
{
    /// <summary>The environment variable that picks the model when <c>--model</c> is not given.</summary>
    public const string ModelVariable = "BATCHFACTORY_MODEL";

    /// <summary>The data directory when <c>--data-dir</c> is not given: <c>data</c>, under the current directory.</summary>
    public const string DefaultDataDirectory = "data";

    /// <summary>Whether <c>--batch</c> was given: model calls go through the provider's batch API (<see cref="CallMode.Batch"/>). Default <see langword="false"/>.</summary>
    public bool Batch { get; init; }

    /// <summary>
    /// Whether <c>--estimate</c> was given: <see cref="ConsoleRun.RunAsync"/> prints what the first graph would send to
    /// the model and cost, live and in batches (<see cref="GraphRunExtensions.EstimateAsync"/>), and the program stops
    /// there without sending or writing anything. Default <see langword="false"/>.
    /// </summary>
    public bool Estimate { get; init; }

    /// <summary>The mode of the program's model calls: <see cref="CallMode.Batch"/> with <c>--batch</c>, else <see cref="CallMode.Live"/>.</summary>
    public CallMode Mode => Batch ? CallMode.Batch : CallMode.Live;

    /// <summary>Reads the options from the command line and the environment.</summary>
    /// <param name="args">The program's arguments.</param>
    /// <param name="defaultModel">The model when neither <c>--model</c> nor <see cref="ModelVariable"/> names one.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An unknown option, or an option without its value.</exception>
    public static ConsoleRunOptions Parse(string[] args, string defaultModel)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? model = null, dataDirectory = null, postgres = null;
        bool help = false, batch = false, estimate = false;
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

        return new ConsoleRunOptions(ModelOrDefault(model, defaultModel), dataDirectory ?? DefaultDataDirectory, help, postgres) { Batch = batch, Estimate = estimate };
    }

    /// <summary><paramref name="model"/> when given, else the model in <see cref="ModelVariable"/>, else <paramref name="defaultModel"/>.</summary>
    /// <param name="model">The model given on the command line, or <see langword="null"/>.</param>
    /// <param name="defaultModel">The program's default model.</param>
    /// <returns>The model to use.</returns>
    public static string ModelOrDefault(string? model, string defaultModel) =>
        model ?? (Environment.GetEnvironmentVariable(ModelVariable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment) ? fromEnvironment : defaultModel);

    /// <summary>
    /// Opens the project folder <c>&lt;data dir&gt;/&lt;name&gt;/&lt;version&gt;</c>, with its ledgers in PostgreSQL
    /// when <see cref="Postgres"/> is set.
    /// </summary>
    /// <param name="name">The project's name.</param>
    /// <param name="version">The project's version. Default <c>1</c>.</param>
    /// <returns>The open project; dispose it when done.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Postgres"/> is empty and <c>BATCHFACTORY_POSTGRES</c> is not set.</exception>
    /// <exception cref="ArgumentException">The name or version cannot name a folder, or the connection string cannot be read.</exception>
    public ProjectFolder OpenProject(string name, string version = "1") => ProjectFolder.Open(name, version, new ProjectFolderOptions
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
