using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// Answers without calling anything, for <c>EstimateAsync</c>: counts each request (each key once) per op with its estimated tokens
/// (the per-minute token limiter's estimate) and cost, and answers a placeholder (empty text, a value the schema of a
/// typed answer accepts, a one-dimension zero vector) carrying those tokens as usage.
/// </summary>
internal sealed class EstimatedAnswers(BrokerSetup setup, BatchSetup batches) : IAnswerSource
{
    private readonly ConcurrentDictionary<int, Tally> _ops = new();

    // The keys counted: nothing is stored, so a request asked again after its first answer would reach the source
    // again, where a run serves it from the ledger.
    private readonly ConcurrentDictionary<string, bool> _counted = new(StringComparer.Ordinal);

    /// <summary>An op that may call a model: it gets a row even if it sends nothing.</summary>
    public void Expect(CallSite site) => _ops.TryAdd(site.Node, new Tally(site.Op));

    /// <inheritdoc/>
    public Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        var site = CallScope.Current?.Site ?? throw new InvalidOperationException("An estimate is asked outside an op's call.");
        var (input, output) = Tokens(request);
        if (_counted.TryAdd(request.Key, true))
        {
            var local = setup.Models.Resolve(request.Model).IsLocal;
            var live = BrokerCounters.CostOf(setup.Prices, request.Model, local, input, output);
            var batch = BrokerCounters.CostOf(setup.Prices, request.Model, local, input, output, batch: true);
            _ops.GetOrAdd(site.Node, _ => new Tally(site.Op)).Add(input, output, live, batch);
        }

        var usage = new JsonObject { ["input_tokens"] = input, ["output_tokens"] = output };
        return Task.FromResult(request is EmbeddingCall
            ? new JsonObject { ["vector"] = Convert.ToBase64String(new byte[sizeof(float)]), ["dimensions"] = 1, ["usage"] = usage }
            : new JsonObject { ["text"] = Placeholder((ChatCall)request), ["model"] = request.Model.ToString(), ["finish_reason"] = "stop", ["usage"] = usage });
    }

    // Empty text, or for a typed answer a value its JSON schema accepts (as the offline provider makes one), so the op
    // reads it as valid: no repair request is counted, and the ops after it run on it.
    private static string Placeholder(ChatCall request) =>
        ChatRequest.Options(request.Request)?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema }
            ? SchemaInstance.Create(JsonNode.Parse(schema.GetRawText())!, XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(request.Key)))?.ToJsonString() ?? "null"
            : "";

    /// <summary>The estimate: a row per op, in node order.</summary>
    public CostEstimate Result() =>
        new([.. _ops.OrderBy(o => o.Key).Select(o => o.Value.Row(o.Key))]);

    // The limiter's estimate of the whole call, split into the output it expects (MaxOutputTokens, else the expected
    // output tokens of the mode's options) and the rest.
    private (long Input, long Output) Tokens(ModelRequest request)
    {
        if (request is not ChatCall chat)
        {
            return (TokenEstimate.ForEmbeddings([((EmbeddingCall)request).Text], null), 0);
        }

        var options = ChatRequest.Options(chat.Request);
        long expected = request.Mode == CallMode.Live
            ? (setup.For(request.Model).RateLimit ?? new RateLimitOptions()).ExpectedOutputTokens
            : batches.For(request.Model).ExpectedOutputTokens;
        var output = options?.MaxOutputTokens ?? expected;
        var total = TokenEstimate.ForChat(ChatRequest.Messages(chat.Request), options, (int)expected);
        return (Math.Max(0, total - output), Math.Min(output, total));
    }

    private sealed class Tally(string op)
    {
        private readonly Lock _lock = new();
        private long _requests, _input, _output;
        private decimal _live, _batch;
        private bool _unpriced;

        public void Add(long input, long output, decimal? live, decimal? batch)
        {
            lock (_lock)
            {
                _requests++;
                _input += input;
                _output += output;
                _live += live ?? 0;
                _batch += batch ?? 0;
                _unpriced |= live is null;
            }
        }

        public OpCostEstimate Row(int node)
        {
            lock (_lock)
            {
                return _unpriced
                    ? new OpCostEstimate(node, op, _requests, _input, _output, null, null)
                    : new OpCostEstimate(node, op, _requests, _input, _output, _live, _batch);
            }
        }
    }
}
