using BatchFactory.Operators;
using static BatchFactory.Operators.Param;

namespace BatchFactory;

public static partial class OpCatalog
{
    private const string IO = "IO";

    private static void AddIO(List<OpDescription> all)
    {
        var idxKey = Optional("idxKey", "string", null, "take each entry's idx from this field; default: from the content");
        var onBadRow = OneOf("onBadRow", BadRows.Fail, "what a malformed row does: Fail the run or Skip it (counted)");
        var keys = Optional("keys", "string[]", null, "the fields to write, in this order; default all");
        all.Add(Yaml("ReadJsonl", IO, "Reads a JSON Lines file, one entry per object.", [Input("path", "the file to read"), idxKey, onBadRow],
            a => Ops.ReadJsonl(a.Text("path"), a.String("idxKey"), a.Enum<BadRows>("onBadRow"))));
        all.Add(Yaml("WriteJsonl", IO, "Writes the entries to a JSON Lines file, in order.", [Output("path", "the file to write"), keys, Optional("idxKey", "string", null, "also write the idx under this field")],
            a => Ops.WriteJsonl(a.Text("path"), a.Strings("keys"), a.String("idxKey"))));

        var keyword = Optional("keywordKey", "string", "keyword", "the field holding each line's text");
        var headings = Optional("headingsKey", "string", "headings", "the field holding the headings above it");
        all.Add(Yaml("ReadMarkdownLines", IO, "Reads the list lines of a Markdown file, with the headings above each.", [Input("path", "the Markdown file"), keyword, headings],
            a => Ops.ReadMarkdownLines(a.Text("path"), a.Text("keywordKey"), a.Text("headingsKey"))));
        all.Add(Yaml("ReadMarkdownEntries", IO, "Reads the sections of a Markdown file, one entry per section with its headings.",
            [Input("path", "the Markdown file"), Optional("textKey", "string", "text", "the field for each section's text"), headings, keyword],
            a => Ops.ReadMarkdownEntries(a.Text("path"), a.Text("textKey"), a.Text("headingsKey"), a.Text("keywordKey"))));
        all.Add(Yaml("WriteMarkdownLines", IO, "Writes entries as list lines under their headings.", [Output("path", "the Markdown file to write"), keyword, headings],
            a => Ops.WriteMarkdownLines(a.Text("path"), a.Text("keywordKey"), a.Text("headingsKey"))));
        all.Add(Yaml("WriteMarkdownEntries", IO, "Writes entries as sections under their headings (one file, or one per fileKey value).",
            [Output("path", "the Markdown file (or folder, with fileKey) to write"), Optional("textKey", "string", "text", "the field holding each section's text"), headings, Optional("fileKey", "string", null, "write one file per value of this field")],
            a => Ops.WriteMarkdownEntries(a.Text("path"), a.Text("textKey"), a.Text("headingsKey"), a.String("fileKey"))));
        all.Add(Yaml("SortMarkdownEntries", IO, "Sorts entries by their headings, then keyword, as a Markdown outline.", [headings, keyword],
            a => Ops.SortMarkdownEntries(a.Text("headingsKey"), a.Text("keywordKey"))));

        all.Add(Yaml("ReadTxtFolder", IO, "Reads the text files of a folder, one entry per file.",
            [Input("folder", "the folder"), Optional("pattern", "string", "*.txt", "which files"), Optional("textKey", "string", "text", "the field for the text"), Optional("fileKey", "string", "filename", "the field for the file name"), idxKey],
            a => Ops.ReadTxtFolder(a.Text("folder"), a.Text("pattern"), a.Text("textKey"), a.Text("fileKey"), a.String("idxKey"))));
        all.Add(Yaml("WriteTxtFolder", IO, "Writes each entry's text to its own file in a folder.",
            [Output("folder", "the folder"), Optional("textKey", "string", "text", "the field holding the text"), Optional("fileKey", "string", "filename", "the field holding the file name")],
            a => Ops.WriteTxtFolder(a.Text("folder"), a.Text("textKey"), a.Text("fileKey"))));

        var separator = Optional("separator", "string", ",", "the column separator, one character");
        all.Add(Yaml("ReadCsv", IO, "Reads a CSV file with a header row, one entry per row (column types only from C#).", [Input("path", "the CSV file"), idxKey, onBadRow, separator],
            a => Ops.ReadCsv(a.Text("path"), null, a.String("idxKey"), a.Enum<BadRows>("onBadRow"), Char(a, "separator"))));
        all.Add(Yaml("WriteCsv", IO, "Writes the entries to a CSV file with a header row.", [Output("path", "the CSV file to write"), keys, separator],
            a => Ops.WriteCsv(a.Text("path"), a.Strings("keys"), Char(a, "separator"))));
        all.Add(Yaml("ReadParquet", IO, "Reads a Parquet file, one entry per row.", [Input("path", "the Parquet file"), Optional("columns", "string[]", null, "the columns to read; default all"), idxKey],
            a => Ops.ReadParquet(a.Text("path"), a.Strings("columns"), a.String("idxKey"))));
        all.Add(Yaml("WriteParquet", IO, "Writes the entries to a Parquet file.", [Output("path", "the Parquet file to write"), keys, Optional("rowGroupSize", "int", 100_000L, "rows per row group")],
            a => Ops.WriteParquet(a.Text("path"), a.Strings("keys"), a.Int("rowGroupSize"))));
    }

    private static char Char(OpArgs a, string name) =>
        a.Text(name) is { Length: 1 } one ? one[0] : throw new ArgumentException($"{a.Op.Name}: '{name}' must be one character.", name);
}
