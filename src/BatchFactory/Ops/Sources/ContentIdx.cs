using System.IO.Hashing;

namespace BatchFactory.Operators;

/// <summary>
/// Gives entries without an id a stable idx derived from their content: the 64-bit XXH3 hash of the data's
/// JSON text, as 16 hex digits. The same input gives the same idx on every run and machine. When two
/// items of one source have the same content, the second becomes <c>idx-2</c>, the third <c>idx-3</c>, in source order.
/// One instance serves one run of one source.
/// </summary>
internal sealed class ContentIdx
{
    private readonly HashSet<ulong> _seen = [];
    private Dictionary<ulong, int>? _repeats;

    /// <summary>The idx for the next item, whose data serialises to <paramref name="json"/>.</summary>
    public string Next(ReadOnlySpan<byte> json)
    {
        var key = XxHash3.HashToUInt64(json);
        var idx = key.ToString("x16");
        if (_seen.Add(key))
        {
            return idx;
        }

        _repeats ??= [];
        var count = _repeats.TryGetValue(key, out var c) ? c + 1 : 2;
        _repeats[key] = count;
        return $"{idx}-{count}";
    }
}
