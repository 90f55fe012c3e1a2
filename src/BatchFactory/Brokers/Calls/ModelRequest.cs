using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// One request for a model, with its key: the content address its answer is stored under in the ledger, computed once
/// when the request is made. Identical requests have the same key wherever they come from, so each is answered once.
/// </summary>
internal abstract class ModelRequest(string key, ModelSpec model)
{
    /// <summary>The project ledger chat answers are kept in.</summary>
    public const string ChatLedger = "llm";

    /// <summary>The project ledger embeddings are kept in.</summary>
    public const string EmbeddingLedger = "embeddings";

    /// <summary>The request's content address (see <see cref="Canonical.Key"/>).</summary>
    public string Key { get; } = key;

    /// <summary>The model asked.</summary>
    public ModelSpec Model { get; } = model;

    /// <summary>
    /// The answer the source is already getting for this request, which it placed ahead of the broker's call
    /// (<see cref="ModelBroker.ParkAsync"/>): the call takes it (<see cref="TakeParked"/>) instead of asking again.
    /// </summary>
    public Task<JsonObject>? Parked { get; set; }

    /// <summary>How the op asking wants it answered when the ledger has no answer; not part of <see cref="Key"/>. Default <see cref="CallMode.Live"/>.</summary>
    public CallMode Mode { get; init; }

    /// <summary>The project ledger the answer under <paramref name="key"/> is kept in: <see cref="EmbeddingLedger"/> for an embedding's key, else <see cref="ChatLedger"/>.</summary>
    public static string LedgerOf(string key) => key.StartsWith(EmbeddingCall.KeyVersion + ":", StringComparison.Ordinal) ? EmbeddingLedger : ChatLedger;

    /// <summary>Takes <see cref="Parked"/> (once).</summary>
    public Task<JsonObject>? TakeParked()
    {
        var parked = Parked;
        Parked = null;
        return parked;
    }

    /// <summary>What is asked, for Trace logs: the request as JSON, the text to embed.</summary>
    public abstract string Describe();

    /// <summary>What is asked as a fresh JSON object the caller owns, stored beside the answer (see <see cref="AnswerRecord"/>).</summary>
    public abstract JsonObject Content();

    /// <summary>Writes what <see cref="Content"/> returns, without copying it.</summary>
    public abstract void WriteContent(Utf8JsonWriter writer);
}

/// <summary>A chat request, as <c>GenerateLLMRequest</c> builds it (see <see cref="ChatRequest"/>).</summary>
internal sealed class ChatCall(JsonObject request, ModelSpec model) : ModelRequest(ChatRequest.Key(request), model)
{
    /// <summary>The request object: messages, model, options.</summary>
    public JsonObject Request { get; } = request;

    /// <inheritdoc/>
    public override string Describe() => Request.ToJsonString();

    /// <inheritdoc/>
    public override JsonObject Content() => (JsonObject)Request.DeepClone();

    /// <inheritdoc/>
    public override void WriteContent(Utf8JsonWriter writer) => Request.WriteTo(writer);
}

/// <summary>A text to embed.</summary>
internal sealed class EmbeddingCall(string text, ModelSpec model)
    : ModelRequest(Canonical.Key(KeyVersion, new JsonObject { ["model"] = model.ToString(), ["input"] = text }), model)
{
    /// <summary>The version an embedding's key starts with.</summary>
    public const string KeyVersion = "embed-v1";

    /// <summary>The text.</summary>
    public string Text { get; } = text;

    /// <inheritdoc/>
    public override string Describe() => Text;

    /// <inheritdoc/>
    public override JsonObject Content() => new() { ["input"] = Text, ["model"] = Model.ToString() };

    /// <inheritdoc/>
    public override void WriteContent(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("input", Text);
        writer.WriteString("model", Model.ToString());
        writer.WriteEndObject();
    }
}
