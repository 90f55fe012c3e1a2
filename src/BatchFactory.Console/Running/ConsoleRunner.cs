using BatchFactory.Progress;

namespace BatchFactory;

/// <summary>
/// What a console program does around its graphs: opens the project folder, lets its body run the graphs (through
/// <see cref="ConsoleRun.RunAsync"/>, with the live progress view), prints each run's summary and the files written,
/// and turns the outcome into a process exit code. Ctrl+C stops gracefully, a second Ctrl+C at once. The demos and
/// <c>batchfactory run</c> are built on it.
/// </summary>
/// <example>
/// <code>
/// var options = ConsoleRunOptions.Parse(args, "gpt-4o-mini@offline");
/// return await ConsoleRunner.RunAsync(options, "poems", async run =>
/// {
///     await run.RunAsync(ReadJsonl("topics.jsonl") | AskLLM("A poem about {topic}.", run.Model, "poem") | WriteJsonl(run.Project["out/poems.jsonl"]));
///     return [run.Project["out/poems.jsonl"]];
/// }, Console.Out);
/// </code>
/// </example>
public static class ConsoleRunner
{
    /// <summary>Exit code: every run completed cleanly.</summary>
    public const int Completed = 0;

    /// <summary>Exit code: a run completed with failures (failed calls, entry errors); a rerun retries them.</summary>
    public const int CompletedWithFailures = 1;

    /// <summary>Exit code: bad options, or a model, provider or pipeline that is not configured right; nothing ran.</summary>
    public const int ConfigurationError = 2;

    /// <summary>Exit code: a model's provider was unavailable (its circuit breaker stopped the run).</summary>
    public const int ProviderUnavailable = 3;

    /// <summary>Exit code: Ctrl+C (or SIGTERM) stopped the run; a rerun finishes it.</summary>
    public const int Stopped = 130;

    /// <summary>
    /// Opens the project folder <c>&lt;data dir&gt;/&lt;projectName&gt;/&lt;version&gt;</c> (see
    /// <see cref="ConsoleRunOptions.OpenProject"/>), runs <paramref name="body"/> in it, then prints the run summaries
    /// (calls made, served from the ledger, failed; tokens; cost) and the files the body wrote.
    /// </summary>
    /// <param name="options">The program's options.</param>
    /// <param name="projectName">The project's name (its folder under the data directory).</param>
    /// <param name="body">Builds and runs the graphs through <see cref="ConsoleRun.RunAsync"/>; returns the files it wrote.</param>
    /// <param name="output">Where to print; with <see cref="Console.Out"/> Ctrl+C is listened to and the progress view is a live table in a terminal.</param>
    /// <param name="projectVersion">The project's version. Default <c>1</c>.</param>
    /// <param name="cancellationToken">Stops the runs at once.</param>
    /// <returns>
    /// The process exit code: <see cref="Completed"/> (0) when every run completed cleanly, or <c>--estimate</c> printed
    /// its estimate; <see cref="CompletedWithFailures"/> (1) when a run completed with failures;
    /// <see cref="ConfigurationError"/> (2) for a project that cannot be opened or a model that cannot be called;
    /// <see cref="ProviderUnavailable"/> (3) when a model's provider was unavailable; <see cref="Stopped"/> (130) when
    /// Ctrl+C stopped it.
    /// </returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static async Task<int> RunAsync(
        ConsoleRunOptions options,
        string projectName,
        Func<ConsoleRun, Task<string[]>> body,
        TextWriter output,
        string projectVersion = "1",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(projectName);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(output);
        ProjectFolder opened;
        try
        {
            opened = options.OpenProject(projectName, projectVersion);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or LedgerException)
        {
            await output.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ConfigurationError;
        }

        await using var project = opened;
        await output.WriteLineAsync($"{projectName} with {options.Model}; project folder {Relative(project.FullPath)}{(options.Postgres is null ? "" : $", ledgers in {project.Backend}")}").ConfigureAwait(false);

        // Run as a program: the first Ctrl+C stops gracefully, the second at once.
        using var stop = ReferenceEquals(output, Console.Out) ? ConsoleStop.Listen(output) : null;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop?.CancelToken ?? CancellationToken.None);
        var run = new ConsoleRun(options, project, output, cancel.Token, stop?.StopToken ?? CancellationToken.None);
        string[] files;
        try
        {
            files = await body(run).ConfigureAwait(false);
        }
        catch (RunEstimated)
        {
            await output.WriteLineAsync("Nothing was sent or written; run without --estimate to run it.").ConfigureAwait(false);
            return Completed;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await output.WriteLineAsync("Stopped at once. Answers received so far are kept; run again to finish.").ConfigureAwait(false);
            return Stopped;
        }
        catch (ModelConfigurationException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ConfigurationError;
        }
        catch (ProviderUnavailableException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            await output.WriteLineAsync($"The run's summary is in {Relative(Path.Combine(project.FullPath, "runs"))}; answers received so far are kept, so a rerun makes only the missing calls.").ConfigureAwait(false);
            return ProviderUnavailable;
        }

        return await ReportAsync(run, files, output).ConfigureAwait(false);
    }

    private static async Task<int> ReportAsync(ConsoleRun run, string[] files, TextWriter output)
    {
        foreach (var result in run.Results)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteAsync(result.Summary.ToString()).ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        foreach (var file in files)
        {
            await output.WriteLineAsync($"Wrote {Relative(file)}").ConfigureAwait(false);
        }

        if (run.Results.Any(r => r.Summary.Status == RunStatus.Stopped))
        {
            await output.WriteLineAsync("Stopped on request: run again to finish; nothing already done is redone.").ConfigureAwait(false);
            return Stopped;
        }

        if (run.Results.Any(r => r.Summary.Status != RunStatus.Completed))
        {
            await output.WriteLineAsync($"Some calls or entries failed: they are listed above and in the run summaries in {Relative(Path.Combine(run.Project.FullPath, "runs"))}; run again to retry them.").ConfigureAwait(false);
            return CompletedWithFailures;
        }

        return Completed;
    }

    private static string Relative(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);
}
