using System.Buffers;
using System.Text.Encodings.Web;
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

    /// <summary>When the request was placed ahead of its call, as a timestamp of the run's clock, for the call's duration.</summary>
    public long ParkedAt { get; set; }

    /// <summary>
    /// Whether the answer source stored this request's ledger record itself, with the answer (a shared run's claims
    /// write both in one transaction, see <see cref="ClaimedAnswers"/>), or found that the worker which made the answer did:
    /// the broker then appends nothing.
    /// </summary>
    public bool Kept { get; set; }

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
    // As deep as a request may be (as deep as a writer writes by default) to be folded and read back.
    private const int FoldDepth = 1000;

    // The request object, or while it waits folded (Fold), its JSON: a small part of the size of the object.
    private object _request = request;

    /// <summary>The request object: messages, model, options. Of a folded request, a copy read from its JSON.</summary>
    public JsonObject Request => Volatile.Read(ref _request) switch
    {
        JsonObject tree => tree,
        var json => Read((byte[])json),
    };

    /// <summary>Whether the request is kept as JSON (<see cref="Fold"/>) until <see cref="Unfold"/>.</summary>
    public bool Folded => Volatile.Read(ref _request) is byte[];

    /// <summary>The bytes the folded request's JSON takes; 0 when it is not folded.</summary>
    public int FoldedSize => Volatile.Read(ref _request) is byte[] json ? json.Length : 0;

    /// <inheritdoc/>
    public override string Describe() => Request.ToJsonString();

    /// <inheritdoc/>
    public override JsonObject Content() => Volatile.Read(ref _request) switch
    {
        JsonObject tree => (JsonObject)tree.DeepClone(),
        var json => Read((byte[])json),
    };

    /// <inheritdoc/>
    public override void WriteContent(Utf8JsonWriter writer) => Request.WriteTo(writer);

    /// <summary>
    /// Keeps the request as its JSON only, for a request waiting a long time (in a provider's batch) whose object nobody
    /// else holds; <see cref="Request"/> reads it back as an equal object (the same JSON when written).
    /// </summary>
    public void Fold()
    {
        if (Volatile.Read(ref _request) is not JsonObject tree)
        {
            return;
        }

        var json = new ArrayBufferWriter<byte>(256);
        // Characters are kept as they are, not escaped (a non-ASCII one would take 6 bytes, 3 times its size in the
        // object): the JSON is only read back here, never sent or shown.
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { MaxDepth = FoldDepth, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            tree.WriteTo(writer);
        }

        Volatile.Write(ref _request, json.WrittenSpan.ToArray());
    }

    /// <summary>The request object again after <see cref="Fold"/>, kept from now on.</summary>
    public JsonObject Unfold()
    {
        var tree = Request;
        Volatile.Write(ref _request, tree);
        return tree;
    }

    private static JsonObject Read(byte[] json) => (JsonObject)JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = FoldDepth })!;
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
