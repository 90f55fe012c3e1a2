using System.Text;

namespace BatchFactory.Progress;

/// <summary>
/// The view for output that is not a terminal: a compact status line at most every <c>interval</c> of run time, one
/// after the final sample, and a line saying how the run ended. Times come from the events, so a run on a fake clock
/// prints the same lines every time.
/// </summary>
internal sealed class StatusLineView(TextWriter output, TimeSpan interval) : RunView
{
    private TimeSpan _lastPrinted;

    protected override void Started(RunStarted started)
    {
        _lastPrinted = started.Elapsed;
        output.WriteLine($"Run started: {started.Nodes.Count} ops.");
    }

    protected override void Sampled(RunProgress progress)
    {
        if (progress.IsFinal || progress.Elapsed - _lastPrinted >= interval)
        {
            _lastPrinted = progress.Elapsed;
            output.WriteLine(Line(progress));
        }
    }

    protected override void Ended(RunEnded ended)
    {
        output.WriteLine(ProgressFormat.Ended(ended));
        output.Flush();
    }

    private string Line(RunProgress progress)
    {
        var line = new StringBuilder();
        line.Append('[').Append(ProgressFormat.Time(progress.Elapsed)).Append("] ")
            .Append(ProgressFormat.Read(progress, Nodes)).Append(" entries read");
        if (Nodes.Any(o => o.CallsModel))
        {
            var t = progress.Totals;
            line.Append(" | calls ").Append(ProgressFormat.Count(t.Calls)).Append(" made, ")
                .Append(ProgressFormat.Count(t.Cached)).Append(" cached, ")
                .Append(ProgressFormat.Count(t.Failed)).Append(" failed | tokens ")
                .Append(ProgressFormat.Count(t.InputTokens)).Append(" in, ")
                .Append(ProgressFormat.Count(t.OutputTokens)).Append(" out | ")
                .Append(ProgressFormat.Cost(t.Cost)).Append(" | ")
                .Append(ProgressFormat.Rate(progress.Nodes.Sum(o => o.CallsPerSecond))).Append(" calls/s")
                .Append(ProgressFormat.Throttling(progress, " | "))
                .Append(ProgressFormat.Batches(progress, " | "));
        }

        if (!progress.IsFinal)
        {
            line.Append(" | ETA ").Append(ProgressFormat.Time(progress.Eta));
        }

        return line.ToString();
    }
}
