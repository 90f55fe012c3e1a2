namespace BatchFactory.Brokers;

/// <summary>
/// Parking: a request that will wait a long time for its answer (hours, in a provider's batch) is placed before the
/// op calls <see cref="AnswerAsync"/>, so that the op waits for it holding nothing but its entry and a small waiter,
/// instead of the async frames of the op, the broker and the source (about a kilobyte per waiting request; an op in
/// batch mode has up to <see cref="BatchOptions.MaxWaitingPerOp"/> of them). The call that follows is the usual one
/// and gives the outcome at once: the same ledger records, counts, failures and cancellation as without parking.
/// </summary>
internal sealed partial class ModelBroker
{
    /// <summary>
    /// Parks <paramref name="request"/> ahead of its <see cref="AnswerAsync"/>: it takes its place among the calls in
    /// flight (an identical request joins it), is looked up in the ledger once more (an answer stored meanwhile is
    /// served by the call, not paid twice), and is placed by the answer source. The caller waits for the task returned
    /// (without its outcome), then calls <see cref="AnswerAsync"/> with this very request object, always.
    /// </summary>
    /// <returns>
    /// What to wait for before calling <see cref="AnswerAsync"/> (already complete when nothing was placed); <see langword="null"/>
    /// when the request takes the usual way: a live request, a source that does not park it now (see
    /// <see cref="IAnswerSource.CanPark"/>), a fallback chain, calls traced or metered by OpenTelemetry (their spans time
    /// the call), or an identical request in flight. A request placed here is reported started now,
    /// as the usual call reports it when it places it, and its call's duration runs from here.
    /// </returns>
    public async ValueTask<Task?> ParkAsync(CallSite site, string idx, ModelRequest request, CancellationToken cancellationToken)
    {
        if (request.Mode == CallMode.Live || Traced || Metered || _setup.Models.ChainOf(request.Model) is not null || !CanPark(request)
            || !_inFlight.TryAdd(request.Key, InFlightCall.ParkedBy(request)))
        {
            return null;
        }

        try
        {
            if (await StoredAsync(site.Ledger, request, cancellationToken).ConfigureAwait(false) is not null)
            {
                return Task.CompletedTask;
            }
        }
        catch (Exception)
        {
            // The call looks it up again, and fails there as it would have (a faulted ledger, the run cancelled).
            return Task.CompletedTask;
        }

        site.Counters.Calling(request.Model, CoolDownOf(request.Model));
        try
        {
            // Kept on the request, for the call to take instead of asking the source again. Placed in the request's
            // scope, as the usual call places it: what the source starts from here (a live call of a small Auto
            // batch) counts its retries and waits for this op.
            CallScope.Current = new CallScope(site, idx, request);
            request.Parked = _answers.Park(request, cancellationToken);
        }
        catch (Exception)
        {
            // The call asks the source, and fails there as it would have.
        }

        if (request.Parked is null)
        {
            return Task.CompletedTask;
        }

        if (_observer.TracksCalls)
        {
            request.ParkedAt = _setup.Time.GetTimestamp();
            _observer.Started(site, idx, request);
        }

        return request.Parked;
    }

    // Whether the source would place the request now; one that cannot tell (its batch API fails to be made) goes the
    // usual way, where that failure is met and handled as the call's.
    private bool CanPark(ModelRequest request)
    {
        try
        {
            return _answers.CanPark(request);
        }
        catch (Exception)
        {
            return false;
        }
    }
}
