namespace BatchFactory.Cli;

/// <summary>
/// A request reduced to a few hashes (model, settings, response format, sample, each message), kept for every request
/// of the op while the ledger streams by, so the nearest one is found without keeping the requests themselves; only the
/// chosen one is read again in full for the exact difference.
/// </summary>
internal sealed class RequestSignature
{
    private readonly int[] _parts;

    /// <summary>A signature of the request stored under <paramref name="key"/>.</summary>
    /// <param name="key">The request's key (without <c>#failed</c>).</param>
    /// <param name="idx">The entry it was asked for.</param>
    /// <param name="parts">Hashes of its parts: model, settings, response format, sample, then each message.</param>
    public RequestSignature(string key, string idx, int[] parts)
    {
        Key = key;
        Idx = idx;
        _parts = parts;
    }

    /// <summary>The request's key (without <c>#failed</c>).</summary>
    public string Key { get; }

    /// <summary>The entry it was asked for.</summary>
    public string Idx { get; }

    /// <summary>How many parts (model, settings, format, sample, each message position) differ between the two requests.</summary>
    public int Distance(RequestSignature other)
    {
        var distance = Math.Abs(_parts.Length - other._parts.Length);
        for (var i = 0; i < Math.Min(_parts.Length, other._parts.Length); i++)
        {
            distance += _parts[i] == other._parts[i] ? 0 : 1;
        }

        return distance;
    }
}
