using System.CommandLine;

namespace BatchFactory.Cli;

/// <summary><c>batchfactory runs list|show|compare PROJECT</c>: the run summaries a project folder keeps in <c>runs/*.summary.json</c>.</summary>
internal static class RunsCommands
{
    /// <summary>The <c>runs</c> command and its sub-commands, printing to <paramref name="output"/>.</summary>
    public static Command Build(TextWriter output)
    {
        var runs = new Command("runs", "List, show and compare the runs of a project, from its runs/*.summary.json files.");
        runs.Subcommands.Add(List(output));
        runs.Subcommands.Add(Show(output));
        runs.Subcommands.Add(Compare(output));
        return runs;
    }

    private static Argument<string> ProjectArgument() => new("PROJECT") { Description = "The project folder, data/<project>/<version>." };

    private static Command List(TextWriter output)
    {
        var project = ProjectArgument();
        var command = new Command("list", "One line per run, oldest first: its number, start time, status, wall time, calls, served from the ledger, failures, cost.") { project };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            var runs = await RunFiles.ReadAllAsync(parse.GetValue(project)!, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(RunTable.List(runs)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Argument<string> RunArgument(string name, string which) => new(name)
    {
        Description = $"{which}: its number in 'runs list' (1 is the oldest, -1 the latest), or its summary file's name.",
    };

    private static Command Show(TextWriter output)
    {
        var project = ProjectArgument();
        var run = RunArgument("RUN", "Which run");
        run.DefaultValueFactory = _ => "-1";
        var command = new Command("show", "A run's summary, as the run printed it (default: the latest).") { project, run };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            var runs = await RunFiles.ReadAllAsync(parse.GetValue(project)!, cancellationToken).ConfigureAwait(false);
            var chosen = RunFiles.Pick(runs, parse.GetValue(run)!);
            await output.WriteLineAsync($"{chosen.Name}").ConfigureAwait(false);
            await output.WriteAsync(chosen.Summary.Format()).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Compare(TextWriter output)
    {
        var project = ProjectArgument();
        var before = RunArgument("BEFORE", "The earlier run");
        before.DefaultValueFactory = _ => "-2";
        var after = RunArgument("AFTER", "The later run");
        after.DefaultValueFactory = _ => "-1";
        var command = new Command("compare", "Two runs side by side (default: the last two): per op entries, calls, served from the ledger, failures, tokens, cost and time, and what changed.") { project, before, after };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            var runs = await RunFiles.ReadAllAsync(parse.GetValue(project)!, cancellationToken).ConfigureAwait(false);
            var (a, b) = (RunFiles.Pick(runs, parse.GetValue(before)!), RunFiles.Pick(runs, parse.GetValue(after)!));
            await output.WriteAsync(RunTable.Compare(a, b)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
