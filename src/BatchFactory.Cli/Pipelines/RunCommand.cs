using System.CommandLine;

namespace BatchFactory.Cli;

/// <summary>
/// <c>batchfactory run PIPELINE [--set k=v]… [--model M] [--data-dir D] [--batch] [--estimate] [--postgres [CS]]</c>:
/// loads the pipeline, then runs it with <see cref="ConsoleRunner"/> (the live progress view, the summary, the exit codes).
/// </summary>
internal static class RunCommand
{
    /// <summary>The <c>run</c> command, printing to <paramref name="output"/>.</summary>
    public static Command Build(TextWriter output)
    {
        var input = new PipelineInput();
        var dataDirectory = new Option<string>("--data-dir")
        {
            Description = "Where project folders go: the run's is <data dir>/<name>/<version>.",
            DefaultValueFactory = _ => ConsoleRunOptions.DefaultDataDirectory,
        };
        var batch = new Option<bool>("--batch") { Description = "Send every model call through the provider's batch API (half price, answered within 24 h)." };
        var estimate = new Option<bool>("--estimate") { Description = "Print the requests, tokens and cost still to pay (answers in the ledger are free), live and in batches; send and write nothing." };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Keep the project's ledgers in PostgreSQL (shared by every worker): the connection string, or none for BATCHFACTORY_POSTGRES.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("run", "Run a YAML pipeline in its project folder with a live progress view; prints the run's summary. Exit 0 done, 1 failures, 2 bad pipeline or configuration, 3 provider unavailable, 130 Ctrl+C.");
        input.AddTo(command);
        command.Options.Add(dataDirectory);
        command.Options.Add(batch);
        command.Options.Add(estimate);
        command.Options.Add(postgres);
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            var pipeline = input.Load(parse, parse.GetValue(batch) ? BatchSets.For(input.Path(parse)) : null);
            var models = PipelineChecks.RunOptions(pipeline);
            var options = new ConsoleRunOptions(ModelOf(pipeline), parse.GetValue(dataDirectory)!, ShowHelp: false, parse.GetResult(postgres) is null ? null : parse.GetValue(postgres) ?? "")
            {
                Batch = parse.GetValue(batch),
                Estimate = parse.GetValue(estimate),
            };
            return await ConsoleRunner.RunAsync(options, pipeline.Name, async run =>
            {
                var started = DateTime.UtcNow;
                await run.RunAsync(PipelineChecks.Build(pipeline, run.Project), models).ConfigureAwait(false);
                return WrittenSince(run.Project, started);
            }, output, pipeline.Version, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    // What the summary names as the run's model: the model var, else the models the graph uses.
    private static string ModelOf(PipelineFile pipeline) =>
        pipeline.Vars.TryGetValue("model", out var model) ? model : pipeline.Models.Count > 0 ? string.Join(", ", pipeline.Models) : "no model";

    // The files the run wrote in the project folder: its outputs, not its ledgers or run summaries.
    private static string[] WrittenSince(ProjectFolder project, DateTime started)
    {
        string[] kept = [Path.Combine(project.FullPath, "ledgers") + Path.DirectorySeparatorChar, Path.Combine(project.FullPath, "runs") + Path.DirectorySeparatorChar];
        return [.. Directory.EnumerateFiles(project.FullPath, "*", SearchOption.AllDirectories)
            .Where(file => !kept.Any(folder => file.StartsWith(folder, StringComparison.Ordinal)) && File.GetLastWriteTimeUtc(file) >= started)
            .Order(StringComparer.Ordinal)];
    }
}
