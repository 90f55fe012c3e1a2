namespace BatchFactory.Demos;

/// <summary>What every demo does around its graph: parse options, run, and report where the output went and what the run cost.</summary>
public static class Demo
{
    /// <summary>
    /// Parses the options, opens the demo's project folder, lets <paramref name="body"/> build and run its graphs
    /// (through <see cref="DemoRun.RunAsync"/>, which prints each graph), then prints the run summaries (calls made,
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
        Func<DemoRun, Task<string[]>> body,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(output);
        DemoOptions options;
        try
        {
            options = DemoOptions.Parse(args, defaultModel);
        }
        catch (ArgumentException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}\n{Usage(name, description, defaultModel)}");
            return 2;
        }

        if (options.ShowHelp)
        {
            await output.WriteLineAsync(Usage(name, description, defaultModel));
            return 0;
        }

        ProjectFolder opened;
        try
        {
            opened = options.OpenProject(name.ToLowerInvariant());
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            await output.WriteLineAsync($"error: {ex.Message}\n{Usage(name, description, defaultModel)}");
            return 2;
        }

        await using var project = opened;
        await output.WriteLineAsync($"{name} with {options.Model}; project folder {Relative(project.FullPath)}{(options.Postgres is null ? "" : $", ledgers in {project.Backend}")}");

        // Run as a program: the first Ctrl+C stops gracefully, the second at once.
        using var stop = ReferenceEquals(output, Console.Out) ? ConsoleStop.Listen(output) : null;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop?.CancelToken ?? CancellationToken.None);
        var run = new DemoRun(options, project, output, cancel.Token, stop?.StopToken ?? CancellationToken.None);
        string[] files;
        try
        {
            files = await body(run);
        }
        catch (DemoEstimated)
        {
            await output.WriteLineAsync("Nothing was sent or written; run without --estimate to run it.");
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await output.WriteLineAsync("Stopped at once. Answers received so far are kept; run the demo again to finish.");
            return 130;
        }
        catch (ModelConfigurationException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (ProviderUnavailableException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}");
            await output.WriteLineAsync($"The run's summary is in {Relative(Path.Combine(project.FullPath, "runs"))}; answers received so far are kept, so a rerun makes only the missing calls.");
            return 3;
        }

        foreach (var result in run.Results)
        {
            await output.WriteLineAsync();
            await output.WriteAsync(result.Summary.ToString());
        }

        await output.WriteLineAsync();
        foreach (var file in files)
        {
            await output.WriteLineAsync($"Wrote {Relative(file)}");
        }

        if (run.Results.Any(r => r.Summary.Status == RunStatus.Stopped))
        {
            await output.WriteLineAsync("Stopped on request: run the demo again to finish; nothing already done is redone.");
            return 130;
        }

        if (run.Results.Any(r => r.Summary.Status != RunStatus.Completed))
        {
            await output.WriteLineAsync($"Some calls or entries failed: they are listed above and in the run summaries in {Relative(Path.Combine(project.FullPath, "runs"))}; run the demo again to retry them.");
            return 1;
        }

        return 0;
    }

    private static string Usage(string name, string description, string defaultModel) =>
        $"{name}: {description}\n" +
        $"usage: dotnet run --project demos/{name} [-- --model model@provider] [--data-dir DIR] [--batch] [--estimate] [--postgres [CONNECTION]]\n" +
        $"  --model     default: ${DemoOptions.ModelVariable}, else {defaultModel} (offline, no key needed);\n" +
        "              e.g. gpt-4o-mini@openai uses OPENAI_API_KEY and OPENAI_BASE_URL\n" +
        "  --data-dir  where project folders go (default ./data)\n" +
        "  --batch     send model calls through the provider's batch API (half price, answered within 24 h;\n" +
        "              a rerun collects batches still pending); a provider without one answers live\n" +
        "  --estimate  print the requests the ledger cannot serve, their estimated tokens and cost live vs batch,\n" +
        "              without sending or writing anything\n" +
        "  --postgres  keep the ledgers in PostgreSQL (default connection: $BATCHFACTORY_POSTGRES), shared by every\n" +
        "              worker running the same demo against it: each model call is made by one of them";

    private static string Relative(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);
}
