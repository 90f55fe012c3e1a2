using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>
    /// A source that reads a JSONL file: one entry per non-blank line, each line a JSON object whose properties become
    /// fields. Streams line by line, so the file may be larger than memory. A file whose first character is <c>[</c> is
    /// read as one JSON array of objects instead (whole, so it must fit in memory).
    /// </summary>
    /// <param name="path">The file, e.g. <c>project["in/rows.jsonl"]</c>. Checked before the run starts: a missing file fails it with an <see cref="InputFileException"/> naming the op and the full path.</param>
    /// <param name="idxKey">Take each entry's idx from this field (a string or number; must be unique). Default <see langword="null"/>: derived from the content, as <see cref="FromList{T}"/> does.</param>
    /// <param name="onBadRow">
    /// What to do with a line that is not a JSON object. Default <see cref="BadRows.Fail"/>: the run fails with an
    /// <see cref="OpException"/> whose inner <see cref="InputFileException"/> names the file and line. <see cref="BadRows.Skip"/>
    /// skips it and counts it as dropped. Malformed JSON inside an array file always fails.
    /// </param>
    /// <returns>The source op.</returns>
    /// <remarks>The file must be UTF-8; anything else fails the run naming the file and the line of the first invalid byte.</remarks>
    public static Op ReadJsonl(string path, string? idxKey = null, BadRows onBadRow = BadRows.Fail) => new ReadJsonlOp(path, idxKey, onBadRow);

    /// <summary>
    /// Writes every entry that reaches it to a JSONL file, one JSON object per line in stream order, and passes the entries
    /// on in that order. The file is written when the input ends, to a temporary file that replaces
    /// <paramref name="path"/> only if the run got that far: a failed or cancelled run leaves no half-written file.
    /// Missing folders are created.
    /// </summary>
    /// <param name="path">The file, e.g. <c>project["out/rows.jsonl"]</c>; replaced if it exists.</param>
    /// <param name="keys">The fields to write, in this order; a missing one fails the run naming the field and idx. Default <see langword="null"/>: every field, in the entry's order.</param>
    /// <param name="idxKey">Also write each entry's idx under this field (first), so that <c>ReadJsonl(path, idxKey)</c> gets the same idx back. Default <see langword="null"/>: not written.</param>
    /// <returns>The op (one in-port, one out-port).</returns>
    public static Op WriteJsonl(string path, string[]? keys = null, string? idxKey = null) => new WriteJsonlOp(path, keys, idxKey);

    /// <summary>
    /// A source that reads a Markdown file line by line: each non-empty line that is not a heading becomes an entry with
    /// the line in <paramref name="keywordKey"/> (a list marker such as <c>- </c>, <c>* </c> or <c>1. </c> removed) and the
    /// texts of the headings above it, outermost first, in <paramref name="headingsKey"/> (a list of strings, empty
    /// above the first heading). Streams line by line. Each idx is derived from the entry's content.
    /// </summary>
    /// <param name="path">The file. Checked before the run starts.</param>
    /// <param name="keywordKey">The field for the line. Default <c>keyword</c>.</param>
    /// <param name="headingsKey">The field for the heading path. Default <c>headings</c>.</param>
    /// <returns>The source op.</returns>
    public static Op ReadMarkdownLines(string path, string keywordKey = "keyword", string headingsKey = "headings") =>
        new ReadMarkdownLinesOp(path, keywordKey, headingsKey);

    /// <summary>
    /// A source that reads a Markdown file section by section: the text under each heading, up to the next heading of any
    /// level, becomes an entry with the text in <paramref name="textKey"/> (blank lines at its ends removed), the heading
    /// path in <paramref name="headingsKey"/> and the deepest heading in <paramref name="keywordKey"/>. Sections with no
    /// text give no entry; text before the first heading gives an entry with no headings and no keyword. Streams.
    /// </summary>
    /// <param name="path">The file. Checked before the run starts.</param>
    /// <param name="textKey">The field for the text. Default <c>text</c>.</param>
    /// <param name="headingsKey">The field for the heading path, outermost first. Default <c>headings</c>.</param>
    /// <param name="keywordKey">The field for the deepest heading. Default <c>keyword</c>.</param>
    /// <returns>The source op.</returns>
    public static Op ReadMarkdownEntries(string path, string textKey = "text", string headingsKey = "headings", string keywordKey = "keyword") =>
        new ReadMarkdownEntriesOp(path, textKey, headingsKey, keywordKey);

    /// <summary>
    /// Writes each entry's <paramref name="keywordKey"/> as a list item (<c>- keyword</c>) under headings built from its
    /// <paramref name="headingsKey"/> (a heading level per item; entries in a row with the same headings share them), in
    /// stream order, and passes the entries on. <see cref="ReadMarkdownLines"/> reads the file back into the same
    /// keywords and headings. Written atomically when the input ends, like <see cref="WriteJsonl"/>.
    /// </summary>
    /// <param name="path">The file; replaced if it exists.</param>
    /// <param name="keywordKey">The field written as a list item; must be one non-blank line. Default <c>keyword</c>.</param>
    /// <param name="headingsKey">The field with the heading path (a list of strings; missing or null means none). Default <c>headings</c>.</param>
    /// <returns>The op (one in-port, one out-port).</returns>
    /// <remarks>Entries without headings must come first (<see cref="SortMarkdownEntries"/> puts them there); otherwise the run fails naming the entry.</remarks>
    public static Op WriteMarkdownLines(string path, string keywordKey = "keyword", string headingsKey = "headings") =>
        new WriteMarkdownLinesOp(path, keywordKey, headingsKey);

    /// <summary>
    /// Writes each entry's <paramref name="textKey"/> as a section under headings built from its
    /// <paramref name="headingsKey"/>, in stream order, and passes the entries on. Consecutive entries share the headings
    /// they have in common; an entry with the same headings as the one before gets its last heading again, so that
    /// <see cref="ReadMarkdownEntries"/> reads back the same entries. A text line that would read as a heading is written
    /// with a backslash before its <c>#</c>. Written atomically when the input ends, like <see cref="WriteJsonl"/>.
    /// </summary>
    /// <param name="path">The file; or, with <paramref name="fileKey"/>, the folder of the files. Replaced if it exists.</param>
    /// <param name="textKey">The field with the text. Default <c>text</c>.</param>
    /// <param name="headingsKey">The field with the heading path (a list of strings; missing or null means none). Default <c>headings</c>.</param>
    /// <param name="fileKey">
    /// Write one file per value of this field, <c>&lt;path&gt;/&lt;value&gt;.md</c>, each with its entries in stream
    /// order; a value that would lead outside the folder fails the run. Default <see langword="null"/>: one file.
    /// </param>
    /// <returns>The op (one in-port, one out-port).</returns>
    /// <remarks>Entries without headings must come first in each file (<see cref="SortMarkdownEntries"/> puts them there).</remarks>
    public static Op WriteMarkdownEntries(string path, string textKey = "text", string headingsKey = "headings", string? fileKey = null) =>
        new WriteMarkdownEntriesOp(path, textKey, headingsKey, fileKey);

    /// <summary>
    /// Sorts the whole stream by heading path, heading by heading (ordinal; a path sorts before the paths inside it,
    /// missing headings count as none), then by keyword (ordinal; a missing keyword first), so that
    /// <see cref="WriteMarkdownEntries"/> writes each heading once. Ties keep stream order. Waits for its whole input.
    /// </summary>
    /// <param name="headingsKey">The field with the heading path. Default <c>headings</c>.</param>
    /// <param name="keywordKey">The field with the keyword. Default <c>keyword</c>.</param>
    /// <returns>The op.</returns>
    public static Op SortMarkdownEntries(string headingsKey = "headings", string keywordKey = "keyword") =>
        new SortMarkdownEntriesOp(headingsKey, keywordKey);

    /// <summary>
    /// A source that reads the text files of <paramref name="folder"/> that match <paramref name="pattern"/>: one entry per
    /// file, in ordinal order of their paths, with the path relative to the folder (<c>/</c> between folders) in
    /// <paramref name="fileKey"/> and the whole text in <paramref name="textKey"/>. Files are read one at a time.
    /// </summary>
    /// <param name="folder">The folder. Checked before the run starts: a missing folder fails it with an <see cref="InputFileException"/> naming the op and the full path.</param>
    /// <param name="pattern"><c>*</c> and <c>?</c> within a name, <c>**</c> for any number of folders: <c>*.txt</c> (the default), <c>**/*.txt</c>, <c>notes/*.md</c>. Case-sensitive.</param>
    /// <param name="textKey">The field for the text. Default <c>text</c>.</param>
    /// <param name="fileKey">The field for the relative path. Default <c>filename</c>.</param>
    /// <param name="idxKey">Take each idx from this field (e.g. <c>filename</c>). Default <see langword="null"/>: derived from the content.</param>
    /// <returns>The source op.</returns>
    /// <remarks>Files must be UTF-8; anything else fails the run naming the file and the line of the first invalid byte.</remarks>
    public static Op ReadTxtFolder(string folder, string pattern = "*.txt", string textKey = "text", string fileKey = "filename", string? idxKey = null) =>
        new ReadTxtFolderOp(folder, pattern, textKey, fileKey, idxKey);

    /// <summary>
    /// Writes each entry's <paramref name="textKey"/> to its own UTF-8 file in <paramref name="folder"/>, named by
    /// <paramref name="fileKey"/> (a path relative to the folder; subfolders are created), and passes the entries on in
    /// stream order. The files are written when the input ends, each to a temporary file, and all are renamed into place
    /// only once every one is written: a failed or cancelled run changes none of them.
    /// </summary>
    /// <param name="folder">The folder; created if needed. Files already there that no entry names are left alone.</param>
    /// <param name="textKey">The field with the text. Default <c>text</c>.</param>
    /// <param name="fileKey">The field with the file name. A name leading outside the folder, or two entries naming one file, fails the run naming the entry. Default <c>filename</c>.</param>
    /// <returns>The op (one in-port, one out-port).</returns>
    public static Op WriteTxtFolder(string folder, string textKey = "text", string fileKey = "filename") =>
        new WriteTxtFolderOp(folder, textKey, fileKey);

    /// <summary>
    /// A source that reads a CSV file (RFC 4180, UTF-8) with a header row, streaming record by record: one entry per
    /// record, with a field per column named by the header. Columns are typed: as declared in <paramref name="types"/>,
    /// or inferred from all of the column's values (a first pass over the file): long if every non-empty value is an
    /// integer, else double if every one is a number, else bool if every one is <c>true</c> or <c>false</c>, else string.
    /// An empty value is null in every column; a number with a leading zero (<c>007</c>) counts as text.
    /// </summary>
    /// <param name="path">The file. Checked before the run starts.</param>
    /// <param name="types">Column types to use instead of inferring them: <see cref="string"/>, <see cref="long"/>, <see cref="int"/> (read as long), <see cref="double"/>, <see cref="float"/>, <see cref="decimal"/> or <see cref="bool"/>. Default: every column inferred.</param>
    /// <param name="idxKey">Take each entry's idx from this column (must be unique). Default <see langword="null"/>: derived from the content.</param>
    /// <param name="onBadRow">
    /// What to do with a record with bad quoting, a number of fields other than the header's, or a value that is not of
    /// its declared type. Default <see cref="BadRows.Fail"/>: the run fails naming the file and line (an
    /// <see cref="InputFileException"/> inside the <see cref="OpException"/>). <see cref="BadRows.Skip"/> skips it and
    /// counts it as dropped.
    /// </param>
    /// <param name="separator">The field separator. Default <c>,</c>.</param>
    /// <returns>The source op.</returns>
    public static Op ReadCsv(string path, IReadOnlyDictionary<string, Type>? types = null, string? idxKey = null, BadRows onBadRow = BadRows.Fail, char separator = ',') =>
        new ReadCsvOp(path, types, idxKey, onBadRow, separator);

    /// <summary>
    /// Writes every entry to a CSV file (RFC 4180: CRLF line ends, quotes where needed; UTF-8) with a header row, in
    /// stream order, and passes the entries on in that order. Missing and null values are empty fields; strings are
    /// written as they are; numbers and booleans as in JSON; lists and objects as their JSON text. Written atomically
    /// when the input ends, like <see cref="WriteJsonl"/>.
    /// </summary>
    /// <param name="path">The file; replaced if it exists.</param>
    /// <param name="keys">The columns, in this order. Default <see langword="null"/>: every field of any entry, in order of first appearance.</param>
    /// <param name="separator">The field separator. Default <c>,</c>.</param>
    /// <returns>The op (one in-port, one out-port).</returns>
    public static Op WriteCsv(string path, string[]? keys = null, char separator = ',') => new WriteCsvOp(path, keys, separator);

    /// <summary>
    /// A source that reads a Parquet file row group by row group (one group in memory at a time): one entry per row, a
    /// field per column. Primitive columns and lists of primitives are read, nulls included; dates and times become
    /// ISO 8601 strings, binary values base64 strings. Columns nested deeper (structs, maps, lists of lists) fail the run
    /// unless <paramref name="columns"/> leaves them out.
    /// </summary>
    /// <param name="path">The file. Checked before the run starts.</param>
    /// <param name="columns">The columns to read, in this order. Default <see langword="null"/>: every column.</param>
    /// <param name="idxKey">Take each entry's idx from this column (must be unique). Default <see langword="null"/>: derived from the content.</param>
    /// <returns>The source op.</returns>
    public static Op ReadParquet(string path, string[]? columns = null, string? idxKey = null) => new ReadParquetOp(path, columns, idxKey);

    /// <summary>
    /// Writes every entry to a Parquet file in stream order, in row groups of <paramref name="rowGroupSize"/> rows, and
    /// passes the entries on in that order. Each field becomes a nullable column whose type is inferred from all its
    /// values: long (integers), double (when any number has a fraction), bool, string (objects are written as their JSON
    /// text), or a list of one of those. Missing fields are nulls. A field with values of different kinds fails the run
    /// naming it and the entry. Written atomically when the input ends, like <see cref="WriteJsonl"/>.
    /// </summary>
    /// <param name="path">The file; replaced if it exists.</param>
    /// <param name="keys">The columns, in this order. Default <see langword="null"/>: every field of any entry, in order of first appearance.</param>
    /// <param name="rowGroupSize">Rows per row group; at least 1. Default 100,000.</param>
    /// <returns>The op (one in-port, one out-port).</returns>
    public static Op WriteParquet(string path, string[]? keys = null, int rowGroupSize = 100_000) => new WriteParquetOp(path, keys, rowGroupSize);
}
