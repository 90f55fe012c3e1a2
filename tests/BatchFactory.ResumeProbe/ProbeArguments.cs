using System.Globalization;

namespace BatchFactory.ResumeProbe;

/// <summary>The probe's command line.</summary>
/// <param name="DataDirectory">The data directory of the project folder (<c>--data-dir</c>).</param>
/// <param name="Count">How many entries, numbered 0 to count - 1 (<c>--count</c>).</param>
/// <param name="WorkMilliseconds">How long each entry's work takes (<c>--work-ms</c>; checkpoint mode only).</param>
/// <param name="LogPath">The side-effect log: one line per piece of work done (<c>--log</c>; checkpoint mode only).</param>
/// <param name="OutPath">Where the outputs go once the run completes (<c>--out</c>).</param>
/// <param name="MaxDegreeOfParallelism">How many entries are worked on (or questions asked) at once (<c>--dop</c>); default 1.</param>
/// <param name="Llm">
/// <c>--llm</c>: ask <c>gpt-4o-mini@openai</c> one question per entry instead of the checkpointed work (the model's
/// server comes from <c>OPENAI_BASE_URL</c> and <c>OPENAI_API_KEY</c>).
/// </param>
/// <param name="Postgres">
/// <c>--postgres</c>: the connection string of a PostgreSQL database to keep the project's ledgers in, shared with other
/// probes running at the same time (a worker of a shared run); none for the local JSONL ledgers.
/// </param>
/// <param name="LeaseMilliseconds"><c>--lease-ms</c>: the claim lease of a shared run (a third of it is the heartbeat); default 60,000.</param>
internal sealed record ProbeArguments(string DataDirectory, int Count, int WorkMilliseconds, string LogPath, string OutPath, int MaxDegreeOfParallelism, bool Llm, string? Postgres = null, int LeaseMilliseconds = 60_000)
{
    public const string Usage =
        "usage: BatchFactory.ResumeProbe --data-dir <dir> --count <N> --work-ms <ms> --log <side-effect-log> --out <output> [--dop <n>]\n" +
        "       BatchFactory.ResumeProbe --llm --data-dir <dir> --count <N> --out <output> [--dop <n>] [--postgres <connection string> [--lease-ms <ms>]]";

    private const string LlmFlag = "--llm";

    private static readonly string[] Options = ["--data-dir", "--count", "--work-ms", "--log", "--out", "--dop", "--postgres", "--lease-ms"];

    /// <summary>Reads the arguments.</summary>
    /// <exception cref="FormatException">An option is unknown, missing or out of range; the message says which.</exception>
    public static ProbeArguments Parse(IReadOnlyList<string> args)
    {
        var llm = args.Contains(LlmFlag);
        var options = args.Where(a => a != LlmFlag).ToList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Count; i += 2)
        {
            if (!Options.Contains(options[i]) || i + 1 == options.Count)
            {
                throw new FormatException($"unknown option or missing value: '{options[i]}'");
            }

            values[options[i]] = options[i + 1];
        }

        return new ProbeArguments(
            Text(values, "--data-dir"),
            Number(values, "--count", min: 0),
            llm && !values.ContainsKey("--work-ms") ? 0 : Number(values, "--work-ms", min: 0),
            llm && !values.ContainsKey("--log") ? string.Empty : Text(values, "--log"),
            Text(values, "--out"),
            values.ContainsKey("--dop") ? Number(values, "--dop", min: 1) : 1,
            llm,
            values.GetValueOrDefault("--postgres"),
            values.ContainsKey("--lease-ms") ? Number(values, "--lease-ms", min: 3) : 60_000);
    }

    private static string Text(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var text) ? text : throw new FormatException($"missing {name}");

    private static int Number(Dictionary<string, string> values, string name, int min)
    {
        var text = Text(values, name);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min
            ? number
            : throw new FormatException($"{name} must be a whole number of at least {min}, not '{text}'");
    }
}
