namespace BatchFactory.Operators;

/// <summary>What decides whether an entry goes (again) round a loop: a fixed or per-entry number of rounds, or a predicate.</summary>
internal abstract class LoopRule
{
    /// <summary>Whether the entry, having been round <paramref name="roundsDone"/> times, goes round once more.</summary>
    public abstract bool Continues(Entry entry, int roundsDone, int maxIterations);

    /// <summary>Called as the entry starts round number <paramref name="round"/> (from 1).</summary>
    public virtual void Starting(Entry entry, int round)
    {
    }

    /// <summary>Called as the entry leaves the loop after <paramref name="roundsDone"/> rounds.</summary>
    public virtual void Leaving(Entry entry, int roundsDone)
    {
    }

    /// <summary>Whether the rule itself bounds the rounds (a fixed count), so the runaway guard never comes into play.</summary>
    public virtual bool Bounded => false;

    /// <summary>The rule's arguments for the op's description.</summary>
    public abstract string Describe();
}
