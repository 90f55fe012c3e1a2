using System.Diagnostics;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>OpenTelemetry: a span per model request and the metrics of <see cref="BatchFactoryTelemetry"/>, only when someone listens.</summary>
internal sealed partial class ModelBroker
{
    private static bool Traced => BatchFactoryTelemetry.Source.HasListeners();

    private static bool Metered =>
        BatchFactoryTelemetry.Calls.Enabled || BatchFactoryTelemetry.Tokens.Enabled || BatchFactoryTelemetry.Cost.Enabled ||
        BatchFactoryTelemetry.Duration.Enabled || BatchFactoryTelemetry.QueueWait.Enabled;

    // A request sent, in its span, with its metrics. Without listeners no frame is added: a request waiting for its batch
    // holds every frame of the chain, and a run may have tens of thousands waiting.
    // maxWait: how long a rate limit may hold the call back before it gives up (a fallback chain's member but the last).
    private Task<JsonObject> AskAsync(CallSite site, string idx, ModelRequest request, CancellationToken cancellationToken, TimeSpan? maxWait = null)
    {
        var scope = new CallScope(site, idx, request) { MaxWait = maxWait };
        return !Traced && !Metered ? AskObservedAsync(scope, cancellationToken) : AskTracedAsync(scope, cancellationToken);
    }

    private async Task<JsonObject> AskTracedAsync(CallScope scope, CancellationToken cancellationToken)
    {
        var (site, idx, request) = scope;
        using var span = StartSpan(site, idx, request, cacheHit: false);
        var tags = BatchFactoryTelemetry.Tags(site.Op, request.Model.Model, request.Model.Provider);
        var started = _setup.Time.GetTimestamp();
        JsonObject answer;
        try
        {
            answer = await AskObservedAsync(scope, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, Secrets.Redact(ex.Message));
            span?.SetTag("error.type", ex.GetType().Name);
            throw;
        }
        finally
        {
            BatchFactoryTelemetry.QueueWait.Record(scope.QueueTime.TotalSeconds, tags);
        }

        if (answer.ContainsKey(ClaimedAnswers.ElsewhereMark))
        {
            // Another worker of the shared run sent it and counts it; here it is a served answer.
            span?.SetTag("batchfactory.answered_elsewhere", true);
            span?.SetTag("batchfactory.cache.hit", true);
            return answer;
        }

        var input = Tokens(answer, "input_tokens");
        var output = Tokens(answer, "output_tokens");
        if (span is not null)
        {
            span.SetTag("gen_ai.response.model", ModelSpec.Parse(answer["model"]?.GetValue<string>() ?? request.Model.ToString()).Model);
            span.SetTag("gen_ai.usage.input_tokens", input);
            span.SetTag("gen_ai.usage.output_tokens", output);
            if (_setup.TraceContent && answer["text"] is JsonValue text)
            {
                span.SetTag("gen_ai.output.messages", Secrets.Redact(Messages(("assistant", text.ToString(), answer["finish_reason"]?.ToString()))));
            }
        }

        BatchFactoryTelemetry.Calls.Add(1, tags);
        BatchFactoryTelemetry.Duration.Record(_setup.Time.GetElapsedTime(started).TotalSeconds, tags);
        if (BatchFactoryTelemetry.Tokens.Enabled)
        {
            var inputTags = tags;
            inputTags.Add("gen_ai.token.type", "input");
            BatchFactoryTelemetry.Tokens.Add(input, inputTags);
            var outputTags = tags;
            outputTags.Add("gen_ai.token.type", "output");
            BatchFactoryTelemetry.Tokens.Add(output, outputTags);
        }

        if (CostOf(request.Model, input, output, batch: answer.ContainsKey("batch")) is { } cost)
        {
            BatchFactoryTelemetry.Cost.Add((double)cost, tags);
        }

        return answer;
    }

    // A request served from the ledger or one in flight: a counted hit, and a span marked as one (unless its call span
    // is that span: `spanned`, an answer another worker of a shared run made).
    private void TraceHit(CallSite site, string idx, ModelRequest request, bool spanned = false)
    {
        if (BatchFactoryTelemetry.CacheHits.Enabled)
        {
            BatchFactoryTelemetry.CacheHits.Add(1, BatchFactoryTelemetry.Tags(site.Op, request.Model.Model, request.Model.Provider));
        }

        if (Traced && !spanned)
        {
            using var span = StartSpan(site, idx, request, cacheHit: true);
        }
    }

    private Activity? StartSpan(CallSite site, string idx, ModelRequest request, bool cacheHit)
    {
        var operation = request is EmbeddingCall ? "embeddings" : "chat";
        var span = BatchFactoryTelemetry.Source.StartActivity($"{operation} {request.Model.Model}", ActivityKind.Client);
        if (span is null)
        {
            return null;
        }

        span.SetTag("gen_ai.operation.name", operation);
        span.SetTag("gen_ai.provider.name", request.Model.Provider);
        span.SetTag("gen_ai.request.model", request.Model.Model);
        span.SetTag("batchfactory.cache.hit", cacheHit);
        span.SetTag("batchfactory.op", site.Op);
        span.SetTag("batchfactory.entry.idx", idx);
        if (_setup.TraceContent)
        {
            span.SetTag("gen_ai.input.messages", Secrets.Redact(request switch
            {
                ChatCall chat => Messages([.. (chat.Request["messages"] as JsonArray ?? []).Select(m => (m?["role"]?.ToString() ?? "user", m?["content"]?.ToString() ?? "", (string?)null))]),
                EmbeddingCall embedding => Messages(("user", embedding.Text, null)),
                _ => "[]",
            }));
        }

        return span;
    }

    // Messages in the GenAI semantic conventions' shape: [{"role":…,"parts":[{"type":"text","content":…}],"finish_reason":…}].
    private static string Messages(params (string Role, string Content, string? FinishReason)[] messages)
    {
        var array = new JsonArray();
        foreach (var (role, content, finishReason) in messages)
        {
            var message = new JsonObject { ["role"] = role, ["parts"] = new JsonArray(new JsonObject { ["type"] = "text", ["content"] = content }) };
            if (finishReason is not null)
            {
                message["finish_reason"] = finishReason;
            }

            array.Add((JsonNode)message);
        }

        return array.ToJsonString();
    }
}
