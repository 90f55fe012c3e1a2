namespace BatchFactory;

/// <summary>
/// What happens to an entry when an op that runs your code (MapField, Apply, Filter, a prompt builder) throws on it, or
/// the entry lacks a field the op needs. Set per op with <see cref="Op.OnError(OnEntryError)"/>, for the whole run with
/// <c>RunOptions.OnEntryError</c>.
/// </summary>
public enum OnEntryError
{
    /// <summary>Stop the run with an <c>OpException</c> naming the op, the field and the entry idx. The default.</summary>
    FailRun,

    /// <summary>Drop the entry: counted as dropped, and listed with its idx and the error in the run summary's failures.</summary>
    Drop,

    /// <summary>Pass the entry on with <c>status: "failed"</c> and <c>error</c> fields, as it was when the op failed; also listed in the summary.</summary>
    Emit,
}
