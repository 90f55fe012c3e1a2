using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Engine;

namespace BatchFactory.Operators;

/// <summary>
/// Embeds the text in each entry's input field with an embedding model and stores the vector in the output field, as a
/// list of floats or as base64 of the little-endian float32 values. Vectors are kept in the project's
/// <c>embeddings</c> ledger, keyed by model and text, so each text is embedded once.
/// </summary>
internal sealed class EmbedTextOp(string inputKey, ModelSpec model, string outputKey, EmbeddingFormat format, int concurrency, OnCallFailure onFailure, int extraAttempts)
    : AsyncEntryOp("EmbedText", concurrency)
{
    private const string KeyVersion = "embed-v1";
    private readonly BrokerCall _call = new(onFailure, extraAttempts);

    private protected override string Describe() => $"{inputKey} -> {outputKey}, {model}, {format}";

    internal override async ValueTask PrepareAsync(OpContext context)
    {
        try
        {
            context.Run.Options.Models.Resolve(model);
        }
        catch (ModelConfigurationException ex)
        {
            throw new ModelConfigurationException($"Op '{Name}' (node [{context.Node}]): {ex.Message}", ex);
        }

        context.Broker = new BrokerCounters();
        if (context.Run.Options.Project is { } project)
        {
            context.Prepared = await project.OpenLedgerAsync("embeddings", context.Token).ConfigureAwait(false);
        }
    }

    protected override async ValueTask<bool> TryServeAsync(Entry entry, OpContext context)
    {
        var answer = await BrokerCall.StoredAsync(context, (ILedger?)context.Prepared, Key(entry.Get<string>(inputKey)), model, entry).ConfigureAwait(false);
        if (answer is null)
        {
            return false;
        }

        Store(entry, answer);
        return true;
    }

    protected override async Task<Entry?> ProcessAsync(Entry entry, OpContext context)
    {
        var text = entry.Get<string>(inputKey);
        var key = Key(text);
        var clients = RunClients.Of(context.Run);
        var (answer, passOn) = await _call.AnswerAsync(
            context,
            (ILedger?)context.Prepared,
            key,
            model,
            async ct =>
            {
                var result = await clients.Embedding(model).GenerateAsync([text], cancellationToken: ct).ConfigureAwait(false);
                var vector = result[0].Vector.ToArray();
                return new JsonObject
                {
                    ["vector"] = Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())),
                    ["dimensions"] = vector.Length,
                    ["usage"] = new JsonObject { ["input_tokens"] = result.Usage?.InputTokenCount ?? 0, ["output_tokens"] = 0 },
                };
            },
            entry,
            text).ConfigureAwait(false);
        if (answer is not null)
        {
            Store(entry, answer);
        }

        return passOn ? entry : null;
    }

    private string Key(string text) =>
        Canonical.Key(KeyVersion, new JsonObject { ["model"] = model.ToString(), ["input"] = text });

    private void Store(Entry entry, JsonObject answer)
    {
        var base64 = answer["vector"]!.GetValue<string>();
        entry.Data[outputKey] = format == EmbeddingFormat.Base64
            ? base64
            : new JsonArray([.. MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64)).ToArray().Select(f => (JsonNode)f)]);
    }
}
