namespace BatchFactory.Entries;

/// <summary>
/// A fast 64-bit hash of strings that is the same in every process and on every platform
/// (unlike <see cref="string.GetHashCode()"/>), used for seeded shuffles and samples.
/// Not cryptographic.
/// </summary>
internal static class StableHash
{
    /// <summary>Hashes <paramref name="text"/> under <paramref name="seed"/>.</summary>
    public static ulong Of(string text, long seed)
    {
        var h = 14695981039346656037UL ^ Mix((ulong)seed);
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return Mix(h);
    }

    /// <summary>A uniform number in [0, 1) derived from <paramref name="text"/> and <paramref name="seed"/>.</summary>
    public static double Unit(string text, long seed) => (Of(text, seed) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The SplitMix64 finaliser: spreads every input bit over the whole output.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
