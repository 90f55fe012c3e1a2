namespace BatchFactory.Brokers;

/// <summary>
/// One of an op's places for entries in progress, carried along the async flow of the entry's call, so that a call
/// which only waits for an answer (another worker's, <see cref="ClaimedAnswers"/>, or another entry's identical call,
/// <see cref="ModelBroker"/>) gives its place to the next entry meanwhile, and takes a place again only if it must claim
/// or call once more: the places bound the entries claiming, calling and storing their answers, not those waiting or
/// finishing with an answer they were given.
/// </summary>
internal sealed class CallSlot
{
    private static readonly AsyncLocal<CallSlot?> s_current = new();
    private readonly SemaphoreSlim _places;
    private bool _held;
    private bool _left;

    private CallSlot(SemaphoreSlim places)
    {
        _places = places;
        _held = true;
    }

    /// <summary>The slot of the entry whose call runs in this async flow; <see langword="null"/> when its op keeps no such slots.</summary>
    public static CallSlot? Current => s_current.Value;

    /// <summary>
    /// Makes a place the caller took from <paramref name="places"/> (it awaited <see cref="SemaphoreSlim.WaitAsync()"/>)
    /// the slot of the caller's async flow. Synchronous on purpose: the slot must stay set in the caller's flow.
    /// </summary>
    /// <returns>The slot, to <see cref="Leave"/> when the entry is done.</returns>
    public static CallSlot Enter(SemaphoreSlim places)
    {
        var slot = new CallSlot(places);
        s_current.Value = slot;
        return slot;
    }

    /// <summary>
    /// Gives the current flow's place to the next entry (if it has a slot holding one): the entry goes on waiting, or
    /// finishing, without a place, until it needs one again (<see cref="TakeAgainAsync"/>).
    /// </summary>
    public static void StepAside() => Current?.Release();

    /// <summary>
    /// Takes a place again for the current flow's slot, if it gave its place away (<see cref="StepAside"/>); a cancelled
    /// wait for the place leaves the slot without one.
    /// </summary>
    public static async ValueTask TakeAgainAsync(CancellationToken cancellationToken)
    {
        if (Current is { _held: false, _left: false } slot)
        {
            await slot._places.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (slot._left)
            {
                // The entry was done meanwhile (this flow inherited its slot): the place is not its to keep.
                slot._places.Release();
                return;
            }

            slot._held = true;
        }
    }

    /// <summary>Gives the place back when the entry is done (once; nothing when it stepped aside and took no place again).</summary>
    public void Leave()
    {
        // The flow may go on (work it started inherits the slot): a slot left takes no place again.
        _left = true;
        Release();
    }

    private void Release()
    {
        if (_held)
        {
            _held = false;
            _places.Release();
        }
    }
}
