using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries;
using BatchFactory.Reporting;

namespace BatchFactory.Operators;

/// <summary>
/// The call of <c>AskLLM&lt;T&gt;</c>: sends each entry's request (with its schema), checks the answer as the
/// <see cref="AnswerType"/> says, and while it is invalid and repairs are left, asks again with the errors (see
/// <see cref="RepairChain"/>); a valid answer goes to the output field as JSON of the type. Every attempt goes through the
/// run's broker, so a stored chain is replayed with no call and an interrupted one resumes at its first unanswered
/// request; the checks are not part of any key, so a changed validator re-checks stored answers for free. An answer still
/// invalid after the last repair is counted, written to the project's <c>failed/&lt;op&gt;.jsonl</c> and handled by the
/// op's <see cref="OnCallFailure"/>.
/// </summary>
internal sealed class TypedCallOp : AsyncEntryOp<RepairChain>
{
    private readonly string _requestKey;
    private readonly string _outputKey;
    private readonly AnswerType _type;
    private readonly int _maxRepairs;
    private readonly OnCallFailure _onFailure;
    private readonly ModelCall _call;
    private readonly ModelReader _models = new();
    private readonly CallMode _mode;

    public TypedCallOp(string requestKey, string outputKey, AnswerType type, int maxRepairs, int concurrency, OnCallFailure onFailure, int extraAttempts, CallMode mode = CallMode.Live)
        : base("CallLLM", concurrency)
    {
        _mode = mode;
        _requestKey = requestKey;
        _outputKey = outputKey;
        _type = type;
        _onFailure = onFailure;
        _call = new ModelCall(onFailure, extraAttempts);

        // Retry asks for more repairs before it gives up.
        _maxRepairs = maxRepairs + (onFailure == OnCallFailure.Retry ? extraAttempts : 0);
    }

    internal override int ConcurrencyIn(RunOptions options) => ModelCall.Concurrency(Concurrency, _mode, options);

    private protected override string Describe() => $"{_requestKey} -> {_outputKey} as {_type.TypeName}, up to {_maxRepairs} repairs" + (_mode == CallMode.Live ? "" : $", {_mode}");

    private protected override void InputsDone(OpContext context) => ModelCall.InputsDone(context, _mode);

    internal override async ValueTask PrepareAsync(OpContext context)
    {
        await ModelCall.PrepareAsync(context, ModelRequest.ChatLedger).ConfigureAwait(false);
        context.Answers = new AnswerCounters();
        if (DeadLetterPath(context) is { } path)
        {
            context.Run.DeadLetters.Claim(path);
        }
    }

    protected override async ValueTask<(bool Served, RepairChain Pending)> TryServeAsync(Entry entry, OpContext context)
    {
        // An entry that failed before (its prompt builder threw, under OnEntryError.Emit) goes on as it is.
        if (FailureMark.Lacks(entry, _requestKey))
        {
            return (true, null!);
        }

        var request = Request(entry);
        var chain = new RepairChain(new ChatCall(request, _models.Read(request)) { Mode = _mode });
        while (!chain.GivenUp)
        {
            if (await ModelCall.StoredAsync(context, entry, chain.Current).ConfigureAwait(false) is not { } answer)
            {
                return (false, chain);
            }

            if (Checked(entry, context, chain, answer))
            {
                return (true, chain);
            }
        }

        return (false, chain);
    }

    protected override async Task<Entry?> ProcessAsync(Entry entry, RepairChain chain, OpContext context)
    {
        while (!chain.GivenUp)
        {
            var (answer, passOn) = await _call.AnswerAsync(context, entry, chain.Current).ConfigureAwait(false);
            if (answer is null)
            {
                return passOn ? entry : null;
            }

            if (Checked(entry, context, chain, answer))
            {
                return entry;
            }
        }

        return GiveUp(entry, context, chain);
    }

    // Checks an answer: true when it is valid (and stored in the entry); otherwise the chain moves to its repair, if any.
    private bool Checked(Entry entry, OpContext context, RepairChain chain, JsonObject answer)
    {
        var text = answer["text"]?.GetValue<string>() ?? "";
        var check = _type.Check(text, _type.Wrapped);
        if (check.Valid)
        {
            entry.Data[_outputKey] = check.Value;
            AnswerMeta.Set(entry, answer);
            context.Answers!.Valid(chain.Repairs);
            context.Run.Telemetry.AnswerChecked(context, entry.Idx, chain.Repairs, [], "");
            return true;
        }

        chain.Invalid(text, check.Errors, _type.TypeName, _maxRepairs);
        return false;
    }

    private Entry? GiveUp(Entry entry, OpContext context, RepairChain chain)
    {
        context.Answers!.Invalid();
        if (DeadLetterPath(context) is { } path)
        {
            context.Run.DeadLetters.Write(path, new JsonObject
            {
                ["idx"] = entry.Idx,
                ["request"] = chain.First.Request.DeepClone(),
                ["answer"] = chain.LastAnswer,
                ["errors"] = new JsonArray([.. chain.Errors.Select(e => JsonValue.Create(e))]),
                ["repairs"] = chain.Repairs,
            });
        }

        var outcome = _onFailure switch
        {
            OnCallFailure.Emit => "passed on marked invalid",
            OnCallFailure.FailRun => "stopped the run",
            _ => "kept back for a later run",
        };
        context.Run.Telemetry.AnswerChecked(context, entry.Idx, chain.Repairs, chain.Errors, outcome);
        switch (_onFailure)
        {
            case OnCallFailure.Emit:
                entry.Data[FailureMark.StatusKey] = "invalid";
                entry.Data["errors"] = new JsonArray([.. chain.Errors.Select(e => JsonValue.Create(e))]);
                entry.Data["raw_answer"] = chain.LastAnswer;
                return entry;
            case OnCallFailure.FailRun:
                throw new EntryFieldException(entry.Idx, _outputKey, $"The answer for entry '{entry.Idx}' is not a valid {_type.TypeName} after {chain.Repairs} repair(s): {string.Join("; ", chain.Errors)}");
            default:
                OpContext.Stays(entry);
                return null;
        }
    }

    private static string? DeadLetterPath(OpContext context) =>
        context.Run.Options.Project?[$"failed/{DeadLetters.FileName(context.Name)}.jsonl"];

    private JsonObject Request(Entry entry) =>
        entry.Data[_requestKey] as JsonObject ?? throw (entry.Has(_requestKey)
            ? new EntryFieldException(entry.Idx, _requestKey, $"Field '{_requestKey}' of entry '{entry.Idx}' is not an LLM request object; make it with GenerateLLMRequest.")
            : entry.MissingField(_requestKey));
}
