using System.Text.Json.Nodes;

namespace BatchFactory.Entries.Scopes;

/// <summary>
/// The children spawned from one master entry during one run, and what came back from them. The group is ready when
/// the master has reached its collector and every child has come back or been dropped; the collector is then told once.
/// </summary>
internal sealed class SpawnGroup(Entry master, int children) : Scope
{
    private readonly List<(OrderKey Order, JsonNode?[] Values)> _results = [];
    private int _pending = children;
    private Action<SpawnGroup>? _onReady;
    private bool _told;
    private int _stayed;

    /// <summary>The entry the children were spawned from.</summary>
    public Entry Master { get; } = master;

    /// <summary>How many children failed and stay for a later run (their model call failed under <c>OnCallFailure.Stay</c>).</summary>
    public int StayedChildren => Volatile.Read(ref _stayed);

    /// <summary>How many children were spawned.</summary>
    public int Children { get; } = children;

    /// <inheritdoc/>
    public override void Stayed() => Interlocked.Increment(ref _stayed);

    public override void Add(int delta)
    {
        Action<SpawnGroup>? tell;
        lock (_results)
        {
            _pending += delta;
            tell = TakeReady();
        }

        tell?.Invoke(this);
    }

    /// <summary>
    /// The master reached its collector, which wants to hear (through <paramref name="onReady"/>) when the last child
    /// is dropped after this; a child arriving at the collector is reported by <see cref="ChildArrived"/> instead.
    /// </summary>
    /// <returns>Whether the group is complete already: the caller passes the master on, and is not called back.</returns>
    public bool MasterArrived(Action<SpawnGroup> onReady)
    {
        lock (_results)
        {
            if (_onReady is not null)
            {
                throw new InvalidOperationException($"Entry '{Master.Idx}' reached a collector twice.");
            }

            _onReady = onReady;
            return TakeReady() is not null;
        }
    }

    /// <summary>A child came back with its values; it no longer counts as pending.</summary>
    /// <returns>Whether that completed the group with its master present: the caller passes the master on.</returns>
    public bool ChildArrived(OrderKey order, JsonNode?[] values)
    {
        lock (_results)
        {
            _results.Add((order, values));
            _pending--;
            return TakeReady() is not null;
        }
    }

    /// <summary>The values each child brought back, in the children's stream order (not arrival order).</summary>
    public List<JsonNode?[]> ResultsInOrder()
    {
        lock (_results)
        {
            _results.Sort(static (a, b) => a.Order.CompareTo(b.Order));
            return _results.ConvertAll(r => r.Values);
        }
    }

    // Under the lock: the callback to run if the group just became complete with its master present.
    private Action<SpawnGroup>? TakeReady()
    {
        if (_told || _pending > 0 || _onReady is null)
        {
            return null;
        }

        _told = true;
        return _onReady;
    }
}
