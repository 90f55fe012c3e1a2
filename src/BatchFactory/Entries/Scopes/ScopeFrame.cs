namespace BatchFactory.Entries.Scopes;

/// <summary>
/// The scopes an entry is inside, innermost first, as an immutable linked list carried by the entry. An entry outside
/// every loop and spawn has none, so the common case costs nothing. <see cref="Round"/> counts the entry's trips round
/// the innermost scope when it is a loop.
/// </summary>
internal sealed class ScopeFrame(Scope scope, ScopeFrame? parent, int round = 0)
{
    public Scope Scope { get; } = scope;

    public ScopeFrame? Parent { get; } = parent;

    public int Round { get; } = round;

    /// <summary>This frame one round further.</summary>
    public ScopeFrame NextRound() => new(Scope, Parent, Round + 1);

    /// <summary>Tells every scope of <paramref name="frame"/> that <paramref name="delta"/> entries appeared (positive) or ended (negative).</summary>
    public static void Add(ScopeFrame? frame, int delta)
    {
        for (var f = frame; f is not null; f = f.Parent)
        {
            f.Scope.Add(delta);
        }
    }

    /// <summary>Tells every scope of <paramref name="frame"/> that an entry in it failed and stays for a later run.</summary>
    public static void Stayed(ScopeFrame? frame)
    {
        for (var f = frame; f is not null; f = f.Parent)
        {
            f.Scope.Stayed();
        }
    }
}
