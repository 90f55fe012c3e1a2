namespace BatchFactory.Entries.Scopes;

/// <summary>
/// One entry's trip through a part of the graph that must know when the entry ended inside it instead of leaving by
/// its exit (a checkpoint body, whose claim on the entry is then given up at once). It counts the entry and what it
/// became (copies, drops); the exit takes the entry out of the scope (<see cref="Left"/>). <paramref name="onGone"/>
/// runs once, on the thread that ended the last of them, when none is left; it must not block.
/// </summary>
internal sealed class TripScope(Action onGone) : Scope
{
    private int _alive = 1;
    private int _gone;

    public override void Add(int delta)
    {
        if (Interlocked.Add(ref _alive, delta) <= 0 && Interlocked.Exchange(ref _gone, 1) == 0)
        {
            onGone();
        }
    }

    /// <summary>Puts <paramref name="entry"/> inside a new trip, innermost.</summary>
    public static void Enter(Entry entry, Action onGone) => entry.Frame = new ScopeFrame(new TripScope(onGone), entry.Frame);

    /// <summary>Takes <paramref name="entry"/> out of its innermost trip, if it is in one, as it leaves by the exit.</summary>
    public static void Left(Entry entry)
    {
        if (entry.Frame is { Scope: TripScope trip } frame)
        {
            entry.Frame = frame.Parent;
            trip.Add(-1);
        }
    }
}
