using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// Embeds the text in each entry's input field with an embedding model and stores the vector in the output field, as a
/// list of floats or as base64 of the little-endian float32 values. Vectors are kept in the project's
/// <c>embeddings</c> ledger, keyed by model and text, so each text is embedded once.
/// </summary>
internal sealed class EmbedTextOp(string inputKey, ModelSpec model, string outputKey, EmbeddingFormat format, int concurrency, OnCallFailure onFailure, int extraAttempts, CallMode mode = CallMode.Live)
    : AsyncEntryOp<EmbeddingCall>("EmbedText", concurrency)
{
    private readonly ModelCall _call = new(onFailure, extraAttempts);

    private protected override string Describe() => mode == CallMode.Live ? $"{inputKey} -> {outputKey}, {model}, {format}" : $"{inputKey} -> {outputKey}, {model}, {format}, {mode}";

    private protected override void InputsDone(OpContext context) => ModelCall.InputsDone(context, mode);

    internal override int ConcurrencyIn(RunOptions options) => ModelCall.Concurrency(Concurrency, mode, options);

    private protected override ValueTask<Task?> ParkAsync(Entry entry, EmbeddingCall pending, OpContext context) => ModelCall.ParkAsync(context, mode, entry, pending);

    internal override async ValueTask PrepareAsync(OpContext context)
    {
        await ModelCall.CheckModelAsync(context, model).ConfigureAwait(false);
        await ModelCall.PrepareAsync(context, ModelRequest.EmbeddingLedger).ConfigureAwait(false);
    }

    protected override async ValueTask<(bool Served, EmbeddingCall Pending)> TryServeAsync(Entry entry, OpContext context)
    {
        var call = new EmbeddingCall(entry.Get<string>(inputKey), model) { Mode = mode };
        if (await ModelCall.StoredAsync(context, entry, call).ConfigureAwait(false) is not { } answer)
        {
            return (false, call);
        }

        Store(entry, answer);
        return (true, call);
    }

    protected override async Task<Entry?> ProcessAsync(Entry entry, EmbeddingCall call, OpContext context)
    {
        var (answer, passOn) = await _call.AnswerAsync(context, entry, call).ConfigureAwait(false);
        if (answer is not null)
        {
            Store(entry, answer);
        }

        return passOn ? entry : null;
    }

    private void Store(Entry entry, JsonObject answer)
    {
        AnswerMeta.Set(entry, answer);
        var base64 = answer["vector"]!.GetValue<string>();
        entry.Data[outputKey] = format == EmbeddingFormat.Base64
            ? base64
            : new JsonArray([.. MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64)).ToArray().Select(f => (JsonNode)f)]);
    }
}
