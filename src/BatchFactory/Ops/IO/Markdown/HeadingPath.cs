namespace BatchFactory.Operators;

/// <summary>The headings that enclose the current line of a Markdown file, outermost first, as a reader walks it.</summary>
internal sealed class HeadingPath
{
    private readonly List<(int Level, string Text)> _open = [];

    /// <summary>The texts of the enclosing headings, outermost first.</summary>
    public string[] Texts => [.. _open.Select(h => h.Text)];

    /// <summary>Enters a heading: it closes every open heading of its level or deeper.</summary>
    public void Enter(int level, string text)
    {
        _open.RemoveAll(h => h.Level >= level);
        _open.Add((level, text));
    }
}
