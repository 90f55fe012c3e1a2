namespace BatchFactory;

/// <summary>
/// A field of an entry is missing or does not hold the value an op or a typed accessor expected.
/// The message names the field and the entry idx.
/// </summary>
public sealed class EntryFieldException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="idx">The idx of the entry.</param>
    /// <param name="field">The field that was missing or wrong.</param>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The conversion error, if any.</param>
    public EntryFieldException(string idx, string field, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Idx = idx;
        Field = field;
    }

    /// <summary>The idx of the entry whose field was wrong.</summary>
    public string Idx { get; }

    /// <summary>The name of the field that was missing or wrong.</summary>
    public string Field { get; }
}
