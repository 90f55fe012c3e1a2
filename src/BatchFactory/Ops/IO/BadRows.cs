namespace BatchFactory;

/// <summary>What a file reader does with a row it cannot read: a malformed JSONL line, a CSV record with bad quoting, the wrong number of fields or a value that is not of its column's type.</summary>
public enum BadRows
{
    /// <summary>Stop the run with an <see cref="OpException"/> whose inner <see cref="InputFileException"/> names the file and line. The default.</summary>
    Fail,

    /// <summary>Skip the row and go on; skipped rows are counted as the reader's dropped entries (<see cref="OpStats.Dropped"/>).</summary>
    Skip,
}
