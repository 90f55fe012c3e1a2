using System.CommandLine;
using System.Globalization;

namespace BatchFactory.Cli;

/// <summary><c>batchfactory ledger stats|compact|repair PATH</c> and <c>batchfactory ledger explain PROJECT --op NAME --idx IDX</c>.</summary>
internal static class LedgerCommands
{
    /// <summary>The <c>ledger</c> command and its sub-commands, printing to <paramref name="output"/>.</summary>
    public static Command Build(TextWriter output)
    {
        var ledger = new Command("ledger", "Look into a project's ledgers: what they hold, compact or repair them, and why an entry's request missed the cache.");
        ledger.Subcommands.Add(Stats(output));
        ledger.Subcommands.Add(Compact(output));
        ledger.Subcommands.Add(Repair(output));
        ledger.Subcommands.Add(Explain(output));
        return ledger;
    }

    private static Argument<string> PathArgument() => new("PATH")
    {
        Description = "A ledger file (.jsonl or .sqlite), a project folder (data/<project>/<version>: all its ledgers) or its ledgers/ folder.",
    };

    private static Command Stats(TextWriter output)
    {
        var path = PathArgument();
        var command = new Command("stats", "What each ledger holds: records by kind, failures, requests by op and model, tokens, when they were asked.") { path };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            foreach (var target in LedgerTarget.Find(parse.GetValue(path)!))
            {
                await using var open = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
                var stats = await LedgerStats.ReadAsync(open.Ledger, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"{target.Name} ({target.Backend}, {Size(target.Path)})").ConfigureAwait(false);
                await output.WriteAsync(stats.Format()).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Compact(TextWriter output)
    {
        var path = PathArgument();
        var command = new Command("compact", "Rewrite each ledger with only the last record of each key (atomically). Not while a run has it open.") { path };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            foreach (var target in LedgerTarget.Find(parse.GetValue(path)!))
            {
                var before = Size(target.Path);
                await using (var open = await target.OpenAsync(cancellationToken).ConfigureAwait(false))
                {
                    await open.Ledger.CompactAsync(cancellationToken).ConfigureAwait(false);
                    await output.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{target.Name}: {open.Ledger.Count:N0} keys; ")).ConfigureAwait(false);
                }

                await output.WriteLineAsync($"{before} before, {Size(target.Path)} after").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Repair(TextWriter output)
    {
        var path = PathArgument();
        var command = new Command("repair", "Repair a JSONL ledger that will not open (a corrupt line in the middle): keep every readable record, set the others aside, back the file up first. SQLite ledgers recover by themselves on open.") { path };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            foreach (var target in LedgerTarget.Find(parse.GetValue(path)!))
            {
                if (target.Backend != LedgerBackend.Jsonl.Name)
                {
                    // SQLite rolls an interrupted write back (or its WAL forward) itself: opening it is the repair.
                    await using var open = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{target.Name}: {target.Backend} recovers by itself; it opens with {open.Ledger.Count:N0} keys, nothing to repair.")).ConfigureAwait(false);
                    continue;
                }

                LedgerRepairReport report;
                try
                {
                    report = await JsonlLedger.RepairAsync(target.Path!, cancellationToken).ConfigureAwait(false);
                }
                catch (LedgerException ex)
                {
                    throw new CliException($"Cannot repair {target.Name}: {ex.Message}", ex);
                }

                await output.WriteLineAsync(report.RemovedLines.Count == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{target.Name}: {report.KeptRecords:N0} records, every line readable; left untouched.")
                    : string.Create(CultureInfo.InvariantCulture, $"{target.Name}: kept {report.KeptRecords:N0} records, set aside {report.RemovedLines.Count} unreadable line(s) ({string.Join(", ", report.RemovedLines.Take(10))}); the original is in {Path.GetRelativePath(Environment.CurrentDirectory, report.BackupPath!)}.")).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Explain(TextWriter output)
    {
        var project = new Argument<string>("PROJECT") { Description = "The project folder, data/<project>/<version>." };
        var op = new Option<string>("--op") { Description = "The op's name as the run summary shows it ('AskLLM › CallLLM'), or a part of it (AskLLM).", Required = true };
        var idx = new Option<string?>("--idx") { Description = "The entry's idx (as in failed/*.jsonl, the summary's failures, an entry's idx field). Default: the op's latest request." };
        var ledgerName = new Option<string>("--ledger") { Description = "The ledger the op keeps its answers in.", DefaultValueFactory = _ => "llm" };
        var postgres = new Option<string?>("--postgres") { Description = "The project's ledgers are in PostgreSQL: this connection string, or BATCHFACTORY_POSTGRES without a value.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("explain", "Why an entry's request missed the cache: the stored request nearest to it and exactly what differs (model, a setting, the system prompt, which message and where its text first differs).")
        {
            project, op, idx, ledgerName, postgres,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(output, async () =>
        {
            var connection = parse.GetResult(postgres) is null ? null : parse.GetValue(postgres) ?? "";
            var target = LedgerTarget.InProject(parse.GetValue(project)!, parse.GetValue(ledgerName)!, connection);
            await using var open = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(await MissExplainer.ExplainAsync(open.Ledger, target.Name, parse.GetValue(op)!, parse.GetValue(idx), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Size(string? path)
    {
        if (path is null)
        {
            return "in the database";
        }

        var bytes = new FileInfo(path).Length;
        return bytes switch
        {
            < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
            < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MiB"),
        };
    }
}
