using Spectre.Console;

namespace BatchFactory.Progress;

/// <summary>
/// The terminal view: a table with one line per op, redrawn in place at each progress sample (a few times a second),
/// left on screen when the run ends, followed by a line saying how it ended. A table taller than the console shrinks
/// to what fits (the busiest ops, a row saying how many are not shown, the totals), since a drawing that scrolled off
/// the top could not be redrawn in place.
/// </summary>
internal sealed class LiveTableView(IAnsiConsole console) : RunView
{
    private int _drawnLines;

    protected override void Started(RunStarted started)
    {
        _drawnLines = 0;
        console.Cursor.Hide();
    }

    protected override void Sampled(RunProgress progress) => Draw(Fitting(progress));

    protected override void Ended(RunEnded ended)
    {
        console.Cursor.Show();
        console.MarkupLine(ProgressFormat.Clean(ended) ? "[green]{0}[/]" : "[red]{0}[/]", Markup.Escape(ProgressFormat.Ended(ended)));
        _drawnLines = 0;
    }

    /// <summary>
    /// The drawing of <paramref name="progress"/>: the whole table when it fits in the console's height less one line
    /// (the line the cursor is left on), else the table with as many op rows as fit, else only its title.
    /// </summary>
    private string Fitting(RunProgress progress)
    {
        var width = console.Profile.Width;
        var fits = Math.Max(1, console.Profile.Height - 1);
        var ansi = Render(ProgressTable.Build(progress, Nodes, width));
        var lines = Lines(ansi);
        if (lines <= fits)
        {
            return ansi;
        }

        // Each op row is one line (cells do not wrap); what is left is the title, header and borders.
        var frame = lines - progress.Nodes.Count;
        for (var rows = Math.Min(progress.Nodes.Count - 1, fits - frame - ProgressTable.SummaryRows); rows >= 0; rows--)
        {
            ansi = Render(ProgressTable.Build(progress, Nodes, width, rows));
            if (Lines(ansi) <= fits)
            {
                return ansi;
            }
        }

        var title = Render(new Markup(ProgressTable.Build(progress, Nodes, width).Title!.Text));
        return Lines(title) <= fits ? title : "";
    }

    private string Render(Spectre.Console.Rendering.IRenderable renderable)
    {
        var ansi = console.ToAnsi(renderable);
        return ansi.EndsWith('\n') ? ansi : ansi + Environment.NewLine;
    }

    private static int Lines(string ansi) => ansi.Count(c => c == '\n');

    /// <summary>Moves up over the previous drawing, clears it and draws <paramref name="ansi"/> in its place.</summary>
    private void Draw(string ansi)
    {
        if (_drawnLines > 0)
        {
            console.Cursor.MoveUp(_drawnLines);
        }

        console.WriteAnsi("\r\u001b[0J" + ansi);
        _drawnLines = Lines(ansi);
    }
}
