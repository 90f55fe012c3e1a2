namespace BatchFactory.Operators;

/// <summary>While's rule: go round as long as the predicate holds, checked before every round.</summary>
internal sealed class WhileRule(Func<Entry, bool> predicate, string describe) : LoopRule
{
    public override bool Continues(Entry entry, int roundsDone, int maxIterations)
    {
        if (!predicate(entry))
        {
            return false;
        }

        if (roundsDone >= maxIterations)
        {
            throw new InvalidOperationException(
                $"Entry '{entry.Idx}' has been round the loop {roundsDone} times and the condition still holds; " +
                $"it looks like a runaway loop. Raise maxIterations if that many rounds are meant.");
        }

        return true;
    }

    public override string Describe() => describe;
}
