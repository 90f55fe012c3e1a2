namespace BatchFactory.Entries;

/// <summary>No JSON contract for a type, in an app that turns reflection-based serialisation off (see <see cref="EntryContracts"/>).</summary>
/// <param name="message">Names the type and says how to give its contract.</param>
internal sealed class MissingContractException(string message) : NotSupportedException(message)
{
    /// <summary>The missing contract behind <paramref name="exception"/> (System.Text.Json wraps it to add the path), if any.</summary>
    public static MissingContractException? In(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is MissingContractException missing)
            {
                return missing;
            }
        }

        return null;
    }
}
