using Spectre.Console;

namespace BatchFactory.Progress;

/// <summary>
/// The terminal view: a table with one line per op, redrawn in place at each progress sample (a few times a second),
/// left on screen when the run ends, followed by a line saying how it ended.
/// </summary>
internal sealed class LiveTableView(IAnsiConsole console) : RunView
{
    private int _drawnLines;

    protected override void Started(RunStarted started)
    {
        _drawnLines = 0;
        console.Cursor.Hide();
    }

    protected override void Sampled(RunProgress progress) => Draw(ProgressTable.Build(progress, Nodes, console.Profile.Width));

    protected override void Ended(RunEnded ended)
    {
        console.Cursor.Show();
        console.MarkupLine(ended is RunCompleted ? "[green]{0}[/]" : "[red]{0}[/]", Markup.Escape(ProgressFormat.Ended(ended)));
        _drawnLines = 0;
    }

    /// <summary>Moves up over the previous drawing, clears it and draws <paramref name="table"/> in its place.</summary>
    private void Draw(Table table)
    {
        var ansi = console.ToAnsi(table);
        if (!ansi.EndsWith('\n'))
        {
            ansi += Environment.NewLine;
        }

        if (_drawnLines > 0)
        {
            console.Cursor.MoveUp(_drawnLines);
        }

        console.WriteAnsi("\r\u001b[0J" + ansi);
        _drawnLines = ansi.Count(c => c == '\n');
    }
}
