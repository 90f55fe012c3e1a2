namespace BatchFactory.Demos;

/// <summary>What every demo does around its graph: parse options, run, and report where the output went and what the run cost.</summary>
public static class Demo
{
    /// <summary>
    /// Parses the options, opens the demo's project folder, lets <paramref name="body"/> build and run its graphs
    /// (through <see cref="ConsoleRun.RunAsync"/>, which prints each graph), then prints the run summaries (calls made,
    /// served from the ledger, failed; tokens; cost) and the files the demo wrote.
    /// </summary>
    /// <param name="name">The demo's name, also its project folder's name.</param>
    /// <param name="description">One line saying what the demo shows, for <c>--help</c>.</param>
    /// <param name="defaultModel">The model when none is chosen, e.g. <c>gpt-4o-mini@offline</c>.</param>
    /// <param name="args">The command line.</param>
    /// <param name="body">Builds and runs the demo's graphs; returns the files it wrote.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>
    /// The process exit code: 0 when every run completed cleanly; 1 when a run completed with failures (failed calls,
    /// entry errors); 2 for bad options or model configuration; 3 when a model's provider was unavailable (its circuit
    /// breaker stopped the run); 130 when Ctrl+C stopped it (the first press stops gracefully, the second at once).
    /// </returns>
    public static async Task<int> RunAsync(
        string name,
        string description,
        string defaultModel,
        string[] args,
        Func<ConsoleRun, Task<string[]>> body,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ConsoleRunOptions options;
        try
        {
            options = ConsoleRunOptions.Parse(args, defaultModel);
        }
        catch (ArgumentException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}\n{Usage(name, description, defaultModel)}");
            return ConsoleRunner.ConfigurationError;
        }

        if (options.ShowHelp)
        {
            await output.WriteLineAsync(Usage(name, description, defaultModel));
            return ConsoleRunner.Completed;
        }

        return await ConsoleRunner.RunAsync(options, name.ToLowerInvariant(), body, output, cancellationToken: cancellationToken);
    }

    private static string Usage(string name, string description, string defaultModel) =>
        $"{name}: {description}\n" +
        $"usage: dotnet run --project demos/{name} [-- --model model@provider] [--data-dir DIR] [--batch] [--estimate] [--postgres [CONNECTION]]\n" +
        $"  --model     default: ${ConsoleRunOptions.ModelVariable}, else {defaultModel} (offline, no key needed);\n" +
        "              e.g. gpt-4o-mini@openai uses OPENAI_API_KEY and OPENAI_BASE_URL\n" +
        "  --data-dir  where project folders go (default ./data)\n" +
        "  --batch     send model calls through the provider's batch API (half price, answered within 24 h;\n" +
        "              a rerun collects batches still pending); a provider without one answers live\n" +
        "  --estimate  print the requests the ledger cannot serve, their estimated tokens and cost live vs batch,\n" +
        "              without sending or writing anything\n" +
        "  --postgres  keep the ledgers in PostgreSQL (default connection: $BATCHFACTORY_POSTGRES), shared by every\n" +
        "              worker running the same demo against it: each model call is made by one of them";

}
