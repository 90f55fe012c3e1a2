using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Brokers.Resilience;
using BatchFactory.Logging;

namespace BatchFactory.Brokers;

/// <summary>
/// The one model broker of a run (DESIGN §5), shared by every op that calls a model. It looks a request up in the
/// ledger; shares a request identical to one in flight instead of sending it again; has the rest answered through its
/// <see cref="IAnswerSource"/> (live calls, with the retries and rate limits of <see cref="ModelClients"/>); appends each
/// answer to the ledger before anyone gets it, and each failure under <c>&lt;key&gt;#failed</c>; counts calls, tokens
/// and cost per op; and tells its <see cref="ICallObserver"/> about every request. It knows nothing of graphs or runs:
/// an op is a <see cref="CallSite"/> to it.
/// </summary>
internal sealed partial class ModelBroker : IDisposable
{
    private readonly ConcurrentDictionary<string, InFlightCall> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ILedger, LedgerLookups> _lookups = new(ReferenceEqualityComparer.Instance);

    // Per ledger, whether it held nothing when first asked and the answer source reads it before sending a request
    // (IAnswerSource.FindsEverythingStoredIn): it is then not looked up here at all.
    private readonly ConcurrentDictionary<ILedger, bool> _foundElsewhere = new(ReferenceEqualityComparer.Instance);

    // Per model, the pause its retrying clients impose after a 429 (each client keeps its own; this one is for reports).
    private readonly ConcurrentDictionary<ModelSpec, CoolDown> _coolDowns = new();
    private readonly BrokerSetup _setup;
    private readonly ICallObserver _observer;
    private readonly ModelClients _clients;
    private readonly IAnswerSource _answers;
    private readonly bool _keepsAnswers;

    /// <summary>
    /// A broker that answers through <paramref name="answers"/>, by default live calls through its own clients, or
    /// through what <paramref name="around"/> makes of those (batch answers that send some requests live, the claims of
    /// a shared run). With <paramref name="keepsAnswers"/> false (an estimate) it reads the ledgers but writes nothing to them.
    /// </summary>
    public ModelBroker(BrokerSetup setup, ICallObserver observer, SecretRedactor secrets, IAnswerSource? answers = null, Func<IAnswerSource, IAnswerSource>? around = null, bool keepsAnswers = true)
    {
        _keepsAnswers = keepsAnswers;
        _setup = setup;
        _observer = observer;
        Secrets = secrets;
        _clients = new ModelClients(setup, Retried, secrets.Redact);
        var live = new LiveAnswers(_clients);
        _answers = answers ?? around?.Invoke(live) ?? live;
    }

    /// <summary>Removes API keys from errors before they are stored, reported or put in an entry.</summary>
    public SecretRedactor Secrets { get; }

    /// <summary>
    /// The answer stored for <paramref name="request"/>, counted as served and marked <c>"cached": true</c>; or
    /// <see langword="null"/> when the ledger has none (or there is no ledger), for the caller to ask <see cref="AnswerAsync"/>.
    /// </summary>
    /// <remarks>
    /// In a shared run, a ledger in the claims' database that held nothing when the run first asked it is not looked up
    /// here: the claim statement reads it for every key it would claim, so a fresh project's run saves a statement per
    /// entry (a rerun's ledger, which holds records, is looked up here as ever, in batches and without taking one of the
    /// op's places). A fallback chain's request is looked up under its members as ever.
    /// </remarks>
    public async ValueTask<JsonObject?> TryStoredAsync(CallSite site, string idx, ModelRequest request, CancellationToken cancellationToken)
    {
        if (site.Ledger is { } ledger && _setup.Models.ChainOf(request.Model) is null
            && _foundElsewhere.GetOrAdd(ledger, static (l, answers) => l.Count == 0 && answers.FindsEverythingStoredIn(l), _answers))
        {
            return null;
        }

        if (await StoredAsync(site.Ledger, request, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        Served(site, idx, stored.By);
        Named(stored.Answer, stored.By)["cached"] = true;
        return stored.Answer;
    }

    /// <summary>
    /// The answer to <paramref name="request"/>, marked <c>"cached"</c> unless this call made it: from a request in
    /// flight, from the ledger, or asked of the answer source and stored in the ledger before it is returned.
    /// </summary>
    /// <param name="site">The op asking.</param>
    /// <param name="idx">The entry the request is for, for events and logs.</param>
    /// <param name="request">What to ask.</param>
    /// <param name="cancellationToken">Cancels waiting; an answer already on its way still lands in the ledger.</param>
    /// <exception cref="Exception">The request failed; it was recorded under <c>&lt;key&gt;#failed</c> (once per request sent).</exception>
    public async Task<JsonObject> AnswerAsync(CallSite site, string idx, ModelRequest request, CancellationToken cancellationToken)
    {
        // An entry that gave its op's place up while it waited (a shared run's CallSlot) takes one again before it may call.
        await CallSlot.TakeAgainAsync(cancellationToken).ConfigureAwait(false);
        var mine = new InFlightCall();
        var placed = false;
        while (_inFlight.GetOrAdd(request.Key, mine) is var winner && winner != mine)
        {
            if (winner.TakeOver(request))
            {
                // This request was parked ahead of the call (ParkAsync): its place among the calls in flight is kept,
                // and when the source placed it, the ledger was looked up then, as below.
                (mine, placed) = (winner, request.Parked is not null);
                break;
            }

            if (winner.Join() is { } joined)
            {
                // Waiting for another entry's call is no call of this one: in a shared run, its op's place goes to the next entry.
                CallSlot.StepAside();
                var shared = (JsonObject)(await joined.WaitAsync(cancellationToken).ConfigureAwait(false)).DeepClone();
                return Served(site, idx, request, shared);
            }

            // That call has just finished: its answer is in the ledger (found below), or it failed and this one tries again.
            if (_inFlight.TryUpdate(request.Key, mine, winner))
            {
                break;
            }
        }

        try
        {
            // The answer may be stored already: from an earlier run, or from a caller that finished and left just now
            // (unless the source finds that itself, when the request is not a chain's: a chain's is looked up under every member).
            if (!placed && (!_answers.FindsAnswersStoredMeanwhile || _setup.Models.ChainOf(request.Model) is not null)
                && await StoredAsync(site.Ledger, request, cancellationToken).ConfigureAwait(false) is { } late)
            {
                mine.Answered(Named(late.Answer, late.By));
                return Served(site, idx, late.By, late.Answer);
            }

            var (answer, by) = _setup.Models.ChainOf(request.Model) is { } chain
                ? await AskFirstAvailableAsync(site, idx, request, chain, cancellationToken).ConfigureAwait(false)
                : (await AskAsync(site, idx, request, cancellationToken).ConfigureAwait(false), request);
            var elsewhere = answer.Remove(ClaimedAnswers.ElsewhereMark);
            if (site.Ledger is not null && _keepsAnswers && !by.Kept)
            {
                await AnswerRecord.AppendAsync(site.Ledger, answer, site, idx, by, _setup.Time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }

            mine.Answered(Named(answer, by));
            if (elsewhere)
            {
                // Another worker of a shared run made this call: here it is served, like an answer from the ledger (its
                // call span, when traced, is marked as such a hit already: no second span).
                return Served(site, idx, by, answer, spanned: true);
            }

            if (answer.ContainsKey("batch"))
            {
                site.Counters.CalledInBatch(by.Model, _clients.IsLocal(by.Model), Tokens(answer, "input_tokens"), Tokens(answer, "output_tokens"));
            }
            else
            {
                site.Counters.Called(by.Model, _clients.IsLocal(by.Model), Tokens(answer, "input_tokens"), Tokens(answer, "output_tokens"));
            }

            answer["cached"] = false;
            return answer;
        }
        catch (Exception ex)
        {
            if (!cancellationToken.IsCancellationRequested && ex is not (ModelConfigurationException or ProviderUnavailableException { Refused: true } or BatchPendingException))
            {
                if (ProviderFault.Of(ex).StatusCode == 429)
                {
                    site.Counters.RateLimited();
                }

                await TryRecordFailureAsync(site, idx, request, Secrets.Describe(ex)).ConfigureAwait(false);
            }

            mine.Failed(ex);
            throw;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, InFlightCall>(request.Key, mine));
        }
    }

    /// <summary>The op gives <paramref name="request"/> up after <paramref name="exception"/>: counted and reported as failed.</summary>
    /// <returns>The error without API keys, e.g. to mark the entry with.</returns>
    public string GaveUp(CallSite site, string idx, ModelRequest request, Exception exception)
    {
        site.Counters.Failed();
        if (BatchFactoryTelemetry.Failures.Enabled)
        {
            BatchFactoryTelemetry.Failures.Add(1, BatchFactoryTelemetry.Tags(site.Op, request.Model.Model, request.Model.Provider));
        }

        _observer.Failed(site, idx, request, Secrets.Describe(exception));
        return Secrets.Redact(exception.Message);
    }

    /// <summary>What a call of <paramref name="model"/> with these tokens cost in US dollars: 0 on a local provider, <see langword="null"/> without a price.</summary>
    public decimal? CostOf(ModelSpec model, long inputTokens, long outputTokens, bool batch = false) =>
        BrokerCounters.CostOf(_setup.Prices, model, _clients.IsLocal(model), inputTokens, outputTokens, batch);

    /// <summary>The token count <paramref name="name"/> of an answer's usage; 0 when absent.</summary>
    public static long Tokens(JsonObject answer, string name) => answer["usage"] is JsonObject usage && usage[name] is JsonValue count
        ? count.TryGetValue(out long tokens) ? tokens : count.Deserialize(RequestJson.Default.Int64)
        : 0;

    /// <summary>Disposes the clients the broker made.</summary>
    public void Dispose() => _clients.Dispose();

    // Not async when nobody tracks calls, so that a request waiting for its batch holds no frame (nor closure) here. The
    // scope set then stays for the rest of the caller's async method (AnswerAsync, AskTracedAsync or
    // AskFirstAvailableAsync), which sets it anew before each ask.
    private Task<JsonObject> AskObservedAsync(CallScope scope, CancellationToken cancellationToken)
    {
        // The clients' retries and waits report to the call's scope, wherever in the stack they happen.
        CallScope.Current = scope;
        scope.Site.Counters.Calling(scope.Request.Model, CoolDownOf(scope.Request.Model));
        return _observer.TracksCalls ? AskTrackedAsync(scope, cancellationToken) : scope.Request.TakeParked() ?? _answers.AnswerAsync(scope.Request, cancellationToken);
    }

    private async Task<JsonObject> AskTrackedAsync(CallScope scope, CancellationToken cancellationToken)
    {
        var (site, idx, request) = scope;

        // A request another worker of a shared run answers is never sent from here: no CallStarted/CallFinished for it
        // (the caller reports it served), so the source says when it sends.
        // A request parked ahead of its call (ParkAsync) was reported started then.
        var parked = request.TakeParked();
        long? started = parked is null ? null : request.ParkedAt;
        if (parked is null)
        {
            scope.OnSending = () =>
            {
                started = _setup.Time.GetTimestamp();
                _observer.Started(site, idx, request);
            };
            if (!_answers.SaysWhenSent)
            {
                scope.Sending();
            }
        }

        var answer = await (parked ?? _answers.AnswerAsync(request, cancellationToken)).ConfigureAwait(false);
        if (started is not { } sent || answer.ContainsKey(ClaimedAnswers.ElsewhereMark))
        {
            return answer;
        }

        var duration = _setup.Time.GetElapsedTime(sent);
        var cost = CostOf(request.Model, Tokens(answer, "input_tokens"), Tokens(answer, "output_tokens"), batch: answer.ContainsKey("batch"));
        _observer.Finished(site, idx, request, answer, duration, cost);
        return answer;
    }

    // The answer, saying which model gave it when it does not already (an embedding's): a fallback chain's member.
    private static JsonObject Named(JsonObject answer, ModelRequest by)
    {
        if (!answer.ContainsKey("model"))
        {
            answer["model"] = by.Model.ToString();
        }

        return answer;
    }

    private JsonObject Served(CallSite site, string idx, ModelRequest request, JsonObject answer, bool spanned = false)
    {
        Served(site, idx, request, spanned);
        answer["cached"] = true;
        return answer;
    }

    // spanned: the request's call span (AskTracedAsync) already stands for the hit.
    private void Served(CallSite site, string idx, ModelRequest request, bool spanned = false)
    {
        site.Counters.Served(request.Model);
        _observer.Cached(site, idx, request);
        TraceHit(site, idx, request, spanned);
    }

    // Mirrors the retrying client: a 429 pauses every call of the model until its retry is due, and the refused call
    // itself waits that long.
    private void Retried(RetryEvent retry)
    {
        if (CallScope.Current is not { } scope)
        {
            return;
        }

        var counters = scope.Site.Counters;
        counters.Retried();
        if (BatchFactoryTelemetry.Retries.Enabled)
        {
            BatchFactoryTelemetry.Retries.Add(1, BatchFactoryTelemetry.Tags(scope.Site.Op, scope.Request.Model.Model, scope.Request.Model.Provider));
        }

        if (retry.StatusCode == 429)
        {
            counters.RateLimited();
            counters.Waited(retry.Delay);
            var coolDown = CoolDownOf(scope.Request.Model);
            coolDown.PauseUntil(coolDown.Now + retry.Delay);
        }

        if (_observer.TracksCalls)
        {
            _observer.Retried(scope.Site, scope.Idx, scope.Request, retry);
        }
    }

    private CoolDown CoolDownOf(ModelSpec model) =>
        _coolDowns.GetOrAdd(model, static (_, clock) => new CoolDown(clock), _setup.For(model).Retry?.TimeProvider ?? _setup.Time);

    // The model's error is what the caller must see: a ledger that cannot take the record (it is faulted, and its own
    // error reached whoever wrote first) must not replace it.
    private async Task TryRecordFailureAsync(CallSite site, string idx, ModelRequest request, string error)
    {
        if (site.Ledger is not { } ledger || !_keepsAnswers)
        {
            return;
        }

        var record = new JsonObject
        {
            ["model"] = request.Model.ToString(),
            ["error"] = error,
            ["at"] = _setup.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        AnswerRecord.Stamp(record, site, idx, request, _setup.Time.GetUtcNow());
        try
        {
            await ledger.AppendAsync(request.Key + "#failed", record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LedgerException)
        {
        }
    }
}
