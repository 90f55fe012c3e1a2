using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>
    /// A source that reads a JSONL file: one entry per non-blank line, each line a JSON object whose properties become
    /// fields. Streams line by line, so the file may be larger than memory. A file whose first character is <c>[</c> is
    /// read as one JSON array of objects instead (whole, so it must fit in memory).
    /// </summary>
    /// <param name="path">The file, e.g. <c>project["in/rows.jsonl"]</c>. Checked before the run starts: a missing file fails it with a <see cref="FileNotFoundException"/>.</param>
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
}
