namespace BatchFactory.Reporting;

/// <summary>Live counts of an op's typed answers during a run (see <see cref="AnswerStats"/>); updated from many entries at once.</summary>
internal sealed class AnswerCounters
{
    // Repairs beyond this many are counted with the last.
    private const int MaxCountedRepairs = 16;
    private readonly long[] _repaired = new long[MaxCountedRepairs];
    private long _valid;
    private long _invalid;
    private int _longest;

    /// <summary>An entry's answer was valid after <paramref name="repairs"/> repairs (0: at first try).</summary>
    public void Valid(int repairs)
    {
        if (repairs == 0)
        {
            Interlocked.Increment(ref _valid);
            return;
        }

        var slot = Math.Min(repairs, MaxCountedRepairs) - 1;
        Interlocked.Increment(ref _repaired[slot]);
        int longest;
        while ((longest = Volatile.Read(ref _longest)) <= slot && Interlocked.CompareExchange(ref _longest, slot + 1, longest) != longest)
        {
        }
    }

    /// <summary>An entry's answer was invalid after its last repair.</summary>
    public void Invalid() => Interlocked.Increment(ref _invalid);

    public AnswerStats Snapshot()
    {
        var repaired = new long[Volatile.Read(ref _longest)];
        for (var i = 0; i < repaired.Length; i++)
        {
            repaired[i] = Interlocked.Read(ref _repaired[i]);
        }

        return new AnswerStats(Interlocked.Read(ref _valid), repaired, Interlocked.Read(ref _invalid));
    }
}
