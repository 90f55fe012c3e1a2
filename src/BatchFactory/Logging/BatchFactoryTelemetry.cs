using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BatchFactory;

/// <summary>
/// BatchFactory's OpenTelemetry signals: an <see cref="ActivitySource"/> and a <see cref="Meter"/>, both named
/// <see cref="Name"/>. Listen with <c>.AddSource("BatchFactory")</c> and <c>.AddMeter("BatchFactory")</c>; nobody
/// listening costs nothing beyond a check per call.
/// </summary>
/// <remarks>
/// <para>
/// Spans: <c>batchfactory.run</c> per run (<c>batchfactory.ops</c>, and at its end <c>batchfactory.run.status</c>,
/// <c>batchfactory.calls</c>, <c>batchfactory.cached_calls</c>, <c>batchfactory.failed_calls</c>); and one client span per model request,
/// named <c>chat &lt;model&gt;</c> or <c>embeddings &lt;model&gt;</c>, with the GenAI semantic conventions'
/// <c>gen_ai.operation.name</c>, <c>gen_ai.provider.name</c>, <c>gen_ai.request.model</c>, <c>gen_ai.response.model</c>,
/// <c>gen_ai.usage.input_tokens</c> and <c>gen_ai.usage.output_tokens</c>, plus <c>batchfactory.cache.hit</c> (served
/// from the ledger or a request in flight), <c>batchfactory.op</c> and <c>batchfactory.entry.idx</c>. A failed request's
/// span has status Error with the error, API keys removed. Prompt and answer texts are recorded only when the run asks
/// (<see cref="RunOptions.TraceContent"/>): <c>gen_ai.input.messages</c> and <c>gen_ai.output.messages</c>, as the GenAI
/// conventions' JSON (<c>[{"role":"user","parts":[{"type":"text","content":"…"}]}]</c>; a text to embed is one user
/// message), API keys removed.
/// </para>
/// <para>
/// Metrics, each tagged with <c>batchfactory.op</c>, <c>gen_ai.request.model</c> and <c>gen_ai.provider.name</c> (the
/// model and the provider's name, as on the spans; a fallback chain's request given up or joined in flight carries the
/// chain, provider <c>fallback</c>):
/// <c>batchfactory.calls</c> (requests sent), <c>batchfactory.cache.hits</c>, <c>batchfactory.failures</c> (requests
/// given up), <c>batchfactory.retries</c>, <c>batchfactory.fallbacks</c> (a fallback chain's member that could not
/// answer, so the chain asked its next), <c>gen_ai.client.token.usage</c> (a counter of tokens, by
/// <c>gen_ai.token.type</c> <c>input</c>/<c>output</c>), <c>batchfactory.cost</c> (US dollars, for priced models) and
/// <c>gen_ai.client.operation.duration</c> (seconds per request sent) and <c>batchfactory.queue.wait</c> (seconds each
/// request sent, or given up, waited in all before going out: for a slot among the model's calls in flight or a pool
/// server's, for the per-minute rate limits, and for a 429 cool-down; not the backoff between attempts).
/// </para>
/// </remarks>
public static class BatchFactoryTelemetry
{
    /// <summary>The name of the activity source and the meter: <c>BatchFactory</c>.</summary>
    public const string Name = "BatchFactory";

    internal static readonly ActivitySource Source = new(Name);
    internal static readonly Meter Meter = new(Name);
    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>("batchfactory.calls", "{request}", "Model requests sent.");
    internal static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("batchfactory.cache.hits", "{request}", "Model requests served from the ledger or a request in flight.");
    internal static readonly Counter<long> Failures = Meter.CreateCounter<long>("batchfactory.failures", "{request}", "Model requests given up after their retries.");
    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>("batchfactory.retries", "{attempt}", "Attempts of model requests that failed and were tried again.");
    internal static readonly Counter<long> Tokens = Meter.CreateCounter<long>("gen_ai.client.token.usage", "{token}", "Tokens of model requests sent, by gen_ai.token.type.");
    internal static readonly Counter<double> Cost = Meter.CreateCounter<double>("batchfactory.cost", "USD", "What model requests sent cost, for models with a price.");
    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s", "How long model requests sent took.");
    internal static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>("batchfactory.fallbacks", "{request}", "Requests a fallback chain's member could not answer, so that the chain asked its next member; tagged with that member.");
    internal static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("batchfactory.queue.wait", "s", "How long model requests waited to go out: for a slot among the calls in flight, a rate limit or a 429 cool-down.");

    /// <summary>Tags every metric carries: the op, the model and its provider (as on the request's span).</summary>
    internal static TagList Tags(string op, string model, string provider) => new() { { "batchfactory.op", op }, { "gen_ai.request.model", model }, { "gen_ai.provider.name", provider } };
}
