namespace BatchFactory.Brokers;

/// <summary>
/// One of an op's places for entries in progress, carried along the async flow of the entry's call, so that a call
/// which only waits for an answer (another worker's, <see cref="ClaimedAnswers"/>, or another entry's identical call,
/// <see cref="ModelBroker"/>) gives its place to the next entry meanwhile, and takes a place again only if it must call
/// once more: the places bound the entries calling and storing their answers, not those waiting or finishing with an
/// answer they were given. Claims are made in turns of their own (as many as the places), without a place: a claim's
/// round trip holds no place, and a claim won keeps its turn until it has a place, so an op holds at most twice its
/// concurrency of claims: as many called (or stored) as it has places, and as many won and waiting as it has turns.
/// </summary>
internal sealed class CallSlot
{
    private static readonly AsyncLocal<CallSlot?> s_current = new();
    private readonly SemaphoreSlim _places;
    private readonly SemaphoreSlim? _claims;
    private bool _held;
    private bool _left;
    private bool _claiming;

    private CallSlot(SemaphoreSlim places, SemaphoreSlim? claims)
    {
        _places = places;
        _claims = claims;
        _held = true;
    }

    /// <summary>The slot of the entry whose call runs in this async flow; <see langword="null"/> when its op keeps no such slots.</summary>
    public static CallSlot? Current => s_current.Value;

    /// <summary>
    /// Makes a place the caller took from <paramref name="places"/> (it awaited <see cref="SemaphoreSlim.WaitAsync()"/>)
    /// the slot of the caller's async flow. Synchronous on purpose: the slot must stay set in the caller's flow.
    /// </summary>
    /// <param name="places">The op's places for entries calling (or claiming, without <paramref name="claims"/>).</param>
    /// <param name="claims">
    /// The op's turns to claim (as many as its places), or <see langword="null"/> to claim holding a place: with them,
    /// an entry claims without a place, and a claim it wins waits for a place holding its turn, so an op never holds
    /// more claims not yet called than it has turns (<see cref="BeginClaimAsync"/>).
    /// </param>
    /// <returns>The slot, to <see cref="Leave"/> when the entry is done.</returns>
    public static CallSlot Enter(SemaphoreSlim places, SemaphoreSlim? claims = null)
    {
        var slot = new CallSlot(places, claims);
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

    /// <summary>
    /// Before a claim (which may lead to a call): with turns to claim, gives the place up and takes a turn, so the claim's
    /// round trip holds none of the op's places; without, takes a place again if the entry gave it up. End the claim with
    /// <see cref="EndClaim"/>, after taking a place for a claim won (<see cref="TakeAgainAsync"/>).
    /// </summary>
    public static async ValueTask BeginClaimAsync(CancellationToken cancellationToken)
    {
        if (Current is not { _left: false } slot)
        {
            return;
        }

        if (slot._claims is null)
        {
            await TakeAgainAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        slot.Release();
        if (!slot._claiming)
        {
            await slot._claims.WaitAsync(cancellationToken).ConfigureAwait(false);
            slot._claiming = true;
        }
    }

    /// <summary>Gives back the turn to claim <see cref="BeginClaimAsync"/> took, if any.</summary>
    public static void EndClaim() => Current?.EndClaiming();

    /// <summary>Gives the place back when the entry is done (once; nothing when it stepped aside and took no place again).</summary>
    public void Leave()
    {
        // The flow may go on (work it started inherits the slot): a slot left takes no place again.
        _left = true;
        Release();
        EndClaiming();
    }

    private void EndClaiming()
    {
        if (_claiming)
        {
            _claiming = false;
            _claims!.Release();
        }
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
