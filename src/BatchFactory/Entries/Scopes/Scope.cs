namespace BatchFactory.Entries.Scopes;

/// <summary>
/// A part of a run that must know when the entries inside it are all gone: a loop (to end when its last entry has
/// left) or the children spawned from one entry (to collect them once every child is back or dropped).
/// It counts the entries alive inside it; ops report only changes to that count (a drop, or one entry becoming several).
/// </summary>
internal abstract class Scope
{
    /// <summary>Adds <paramref name="delta"/> to the number of entries alive in the scope (negative when entries end).</summary>
    public abstract void Add(int delta);

    /// <summary>An entry inside the scope failed and stays for a later run (it is then also counted as ended).</summary>
    public virtual void Stayed()
    {
    }
}
