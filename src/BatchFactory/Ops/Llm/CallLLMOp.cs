using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries;

namespace BatchFactory.Operators;

/// <summary>
/// Sends the request in each entry's request field to its model and stores the answer in the response field:
/// <c>{"text":…,"model":…,"finish_reason":…,"usage":{"input_tokens":…,"output_tokens":…},"cached":…}</c>. Answers come
/// from the project's <c>llm</c> ledger when it has them. Which model gave the answer (<c>model@provider</c>, the member
/// of a fallback chain) goes in the entry's meta as <c>llm_model</c>, and the pool server that gave it as
/// <c>llm_endpoint</c>, so both outlast the response field (which AskLLM removes).
/// </summary>
internal sealed class CallLLMOp(string requestKey, string responseKey, int concurrency, OnCallFailure onFailure, int extraAttempts, CallMode mode = CallMode.Live)
    : AsyncEntryOp<ChatCall>("CallLLM", concurrency)
{
    private readonly ModelCall _call = new(onFailure, extraAttempts);
    private readonly ModelReader _models = new();

    private protected override string Describe() => mode == CallMode.Live ? $"{requestKey} -> {responseKey}" : $"{requestKey} -> {responseKey}, {mode}";

    private protected override void InputsDone(OpContext context) => ModelCall.InputsDone(context, mode);

    internal override int ConcurrencyIn(RunOptions options) => ModelCall.Concurrency(Concurrency, mode, options);

    // A request waiting for its batch is folded (kept as JSON; in the entry, its field holds null meanwhile, in place),
    // as the entry waits, unseen, maybe for hours; ProcessAsync unfolds it before anything else.
    private protected override async ValueTask<Task?> ParkAsync(Entry entry, ChatCall pending, OpContext context)
    {
        var parked = await ModelCall.ParkAsync(context, mode, entry, pending).ConfigureAwait(false);
        if (parked is { IsCompleted: false } && ReferenceEquals(entry.Data[requestKey], pending.Request))
        {
            pending.Fold();
            entry.Data[requestKey] = null;
        }

        return parked;
    }

    internal override ValueTask PrepareAsync(OpContext context) => ModelCall.PrepareAsync(context, ModelRequest.ChatLedger);

    protected override async ValueTask<(bool Served, ChatCall Pending)> TryServeAsync(Entry entry, OpContext context)
    {
        // An entry that failed before (its prompt builder threw, under OnEntryError.Emit) goes on as it is.
        if (FailureMark.Lacks(entry, requestKey))
        {
            return (true, null!);
        }

        var request = Request(entry);
        var call = new ChatCall(request, _models.Read(request)) { Mode = mode };
        if (await ModelCall.StoredAsync(context, entry, call).ConfigureAwait(false) is not { } answer)
        {
            return (false, call);
        }

        Store(entry, answer);
        return (true, call);
    }

    protected override async Task<Entry?> ProcessAsync(Entry entry, ChatCall call, OpContext context)
    {
        if (call.Folded)
        {
            entry.Data[requestKey] = call.Unfold();
        }

        var (answer, passOn) = await _call.AnswerAsync(context, entry, call).ConfigureAwait(false);
        if (answer is not null)
        {
            Store(entry, answer);
        }

        return passOn ? entry : null;
    }

    // The answer, and in the meta who gave it; a later call replaces both (an endpoint only a pool gives is removed).
    private void Store(Entry entry, JsonObject answer)
    {
        entry.Data[responseKey] = answer;
        AnswerMeta.Set(entry, answer);
    }

    private JsonObject Request(Entry entry) =>
        entry.Data[requestKey] as JsonObject ?? throw (entry.Has(requestKey)
            ? new EntryFieldException(entry.Idx, requestKey, $"Field '{requestKey}' of entry '{entry.Idx}' is not an LLM request object; make it with GenerateLLMRequest.")
            : entry.MissingField(requestKey));
}
