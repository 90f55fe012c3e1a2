using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Engine;
using Microsoft.Extensions.AI;

namespace BatchFactory.Operators;

/// <summary>
/// Sends the request in each entry's request field to its model and stores the answer in the response field:
/// <c>{"text":…,"model":…,"finish_reason":…,"usage":{"input_tokens":…,"output_tokens":…},"cached":…}</c>. Answers come
/// from the project's <c>llm</c> ledger when it has them.
/// </summary>
internal sealed class CallLLMOp(string requestKey, string responseKey, int concurrency, OnCallFailure onFailure, int extraAttempts)
    : AsyncEntryOp("CallLLM", concurrency)
{
    private readonly BrokerCall _call = new(onFailure, extraAttempts);
    private readonly ModelReader _models = new();

    private protected override string Describe() => $"{requestKey} -> {responseKey}";

    internal override async ValueTask PrepareAsync(OpContext context)
    {
        context.Broker = new BrokerCounters();
        if (context.Run.Options.Project is { } project)
        {
            context.Prepared = await project.OpenLedgerAsync("llm", context.Token).ConfigureAwait(false);
        }
    }

    protected override async ValueTask<bool> TryServeAsync(Entry entry, OpContext context)
    {
        var request = Request(entry);
        var answer = await BrokerCall.StoredAsync(context, (ILedger?)context.Prepared, ChatRequest.Key(request), _models.Read(request), entry).ConfigureAwait(false);
        if (answer is null)
        {
            return false;
        }

        entry.Data[responseKey] = answer;
        return true;
    }

    protected override async Task<Entry?> ProcessAsync(Entry entry, OpContext context)
    {
        var request = Request(entry);
        var model = _models.Read(request);
        var clients = RunClients.Of(context.Run);
        var (answer, passOn) = await _call.AnswerAsync(context, (ILedger?)context.Prepared, ChatRequest.Key(request), model, ct => AskAsync(clients.Chat(model), model, request, ct), entry, request).ConfigureAwait(false);
        if (answer is not null)
        {
            entry.Data[responseKey] = answer;
        }

        return passOn ? entry : null;
    }

    private JsonObject Request(Entry entry) =>
        entry.Data[requestKey] as JsonObject ?? throw (entry.Has(requestKey)
            ? new EntryFieldException(entry.Idx, requestKey, $"Field '{requestKey}' of entry '{entry.Idx}' is not an LLM request object; make it with GenerateLLMRequest.")
            : entry.MissingField(requestKey));

    private static async Task<JsonObject> AskAsync(IChatClient client, ModelSpec model, JsonObject request, CancellationToken cancellationToken)
    {
        var response = await client.GetResponseAsync(ChatRequest.Messages(request), ChatRequest.Options(request), cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["text"] = response.Text,
            ["model"] = model.ToString(),
            ["finish_reason"] = response.FinishReason?.Value,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = response.Usage?.InputTokenCount ?? 0,
                ["output_tokens"] = response.Usage?.OutputTokenCount ?? 0,
            },
        };
    }
}
