using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// How a request the ledger has no answer for gets answered: the broker's one seam. Today a live call to the model
/// (<see cref="LiveAnswers"/>); a provider's batch API or another machine of the same run answer through it too. The
/// broker around it shares identical requests in flight, stores every answer under the request's key before anyone
/// sees it, records failures, counts and reports; a source only answers. The broker does not dispose a source it was
/// given: its maker owns it.
/// </summary>
internal interface IAnswerSource
{
    /// <summary>
    /// The answer to <paramref name="request"/>: for a chat request
    /// <c>{"text","model","finish_reason","usage":{"input_tokens","output_tokens"}}</c> (plus <c>"endpoint"</c>, the
    /// server that answered, from a pool of servers), for an embedding
    /// <c>{"vector" (base64 of float32),"dimensions","usage"}</c>.
    /// </summary>
    /// <exception cref="Exception">The request failed for good (the source's own retries are over).</exception>
    Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this source tells the broker when a request is really sent (through <see cref="CallScope.Sending"/>),
    /// because it may answer without sending (another worker's answer); otherwise every request asked counts as sent.
    /// </summary>
    bool SaysWhenSent => false;

    /// <summary>
    /// Whether this source finds, for a request the ledger had no answer for a moment ago, an answer stored since by
    /// anyone (a shared run's claims hold every answer the workers made), so that the broker need not look the ledger up
    /// again just before asking it. Default: <see langword="false"/>.
    /// </summary>
    bool FindsAnswersStoredMeanwhile => false;

    /// <summary>
    /// Whether this source finds, for a request, any record <paramref name="ledger"/> holds under its key, before it
    /// sends it (a shared run's claim statement reads the ledger of the claims' database for every key it would claim):
    /// the broker then need not look up a ledger that held nothing when the run first asked it (a fresh project). Default:
    /// <see langword="false"/>.
    /// </summary>
    bool FindsEverythingStoredIn(ILedger ledger) => false;

    /// <summary>Whether <see cref="Park"/> would place <paramref name="request"/> now (checked before the broker parks it). Default: <see langword="false"/>.</summary>
    bool CanPark(ModelRequest request) => false;

    /// <summary>
    /// Places <paramref name="request"/> where it waits a long time (a provider's batch) before the broker asks for it,
    /// so that its caller can wait without the frames of the call (see <see cref="ModelBroker.ParkAsync"/>). The broker
    /// takes the task given here (<see cref="ModelRequest.Parked"/>) instead of calling <see cref="AnswerAsync"/>.
    /// </summary>
    /// <returns>The task that completes when the answer is there (or the request failed or was cancelled); <see langword="null"/> when the request is not placed (it is answered the usual way). Default: <see langword="null"/>.</returns>
    Task<JsonObject>? Park(ModelRequest request, CancellationToken cancellationToken) => null;
}
