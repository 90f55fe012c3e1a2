using BatchFactory.Logging;
using BatchFactory.Reporting;

namespace BatchFactory.Engine.Telemetry;

internal sealed partial class RunTelemetry
{
    /// <summary>
    /// An op failed on an entry and, as its error policy says, drops it or passes it on marked failed: kept for the
    /// summary (as a model call that failed for good is) and logged.
    /// </summary>
    /// <returns>The error's message without API keys, for the entry's <c>error</c> field.</returns>
    public string EntryFailed(OpContext context, string idx, Exception exception)
    {
        var error = Secrets.Describe(exception);
        _failures.Add(new EntryFailure(context.Node, context.Name, idx, error));
        var outcome = (context.Op.EntryErrors ?? _options.OnEntryError) == OnEntryError.Drop ? "dropped" : "passed on";
        RunLog.EntryFailed(_runLog, context.Name, context.Node, idx, outcome, error);
        return Secrets.Redact(exception.Message);
    }

    /// <summary>An entry does not go on in this run because work it waits for stays for a later run: kept for the summary and logged.</summary>
    public void EntryWaits(OpContext context, string idx, string why)
    {
        _failures.Add(new EntryFailure(context.Node, context.Name, idx, why));
        RunLog.EntryWaits(_runLog, context.Name, context.Node, idx, why);
    }

    /// <summary>
    /// A typed answer was checked for the last time in this run: published as an <see cref="BatchFactory.AnswerChecked"/>
    /// event; one still invalid is kept for the summary and logged (<paramref name="outcome"/> says what became of its entry).
    /// </summary>
    public void AnswerChecked(OpContext context, string idx, int repairs, IReadOnlyList<string> errors, string outcome)
    {
        if (errors.Count > 0)
        {
            var error = Secrets.Redact($"invalid answer after {repairs} repair(s): {string.Join("; ", errors)}");
            _failures.Add(new EntryFailure(context.Node, context.Name, idx, error));
            RunLog.EntryFailed(_runLog, context.Name, context.Node, idx, outcome, error);
        }

        _pump?.Publish(new BatchFactory.AnswerChecked(Elapsed, context.Node, context.Name, idx, repairs, errors));
    }
}
