using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>
/// Builds an LLM request for each entry (model, messages, options, sample index) and stores it as JSON in the request
/// field, for CallLLM. The messages are an optional system prompt, an optional chat history from a field (a list of
/// <c>{"role","content"}</c>), and the user prompt made by a template or a builder.
/// </summary>
internal sealed class GenerateLLMRequestOp : EntryOp
{
    private readonly Func<Entry, string> _prompt;
    private readonly string _describe;
    private readonly ModelSpec _model;
    private readonly string _modelText;
    private readonly JsonObject? _settings;
    private readonly string _requestKey;
    private readonly string? _systemPrompt;
    private readonly string? _historyKey;
    private readonly int _sample;
    private readonly string? _speaker;
    private readonly JsonObject? _responseFormat;
    private readonly string? _promptSuffix;

    // speaker: for a character in a chat, whose history holds turns by speaker name. The speaker's own turns are sent
    // as the assistant's and everyone else's as the user's, and a missing history is an empty one.
    // responseFormat: for a typed answer, the schema the answer must match (see ChatRequest.JsonSchemaFormat);
    // promptSuffix: text added to every user prompt (such as that schema, for models that ignore response_format).
    public GenerateLLMRequestOp(Func<Entry, string> prompt, string describe, ModelSpec model, string requestKey, string? systemPrompt, string? historyKey, LlmOptions? options, int sample, string? speaker = null, JsonObject? responseFormat = null, string? promptSuffix = null)
        : base("GenerateLLMRequest")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestKey);
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        _prompt = prompt;
        _describe = describe;
        _model = model;
        _modelText = model.ToString();
        _settings = ChatRequest.Settings(options);
        _requestKey = requestKey;
        _systemPrompt = systemPrompt;
        _historyKey = historyKey;
        _sample = sample;
        _speaker = speaker;
        _responseFormat = responseFormat;
        _promptSuffix = promptSuffix;
    }

    // A template only reads the entry; a prompt builder is user code, which runs one entry at a time unless the run says otherwise.
    internal override bool SafeInParallel => _prompt.Target is PromptTemplate;

    /// <summary>A prompt builder is the user's code; a template is not.</summary>
    internal override bool RunsUserCode => !SafeInParallel;

    private protected override string Describe() => $"{_model}, {_describe} -> {_requestKey}";

    /// <summary>Checks the model before the run: provider registered, key set, on the provider's model list.</summary>
    internal override ValueTask PrepareAsync(OpContext context) => ModelCall.CheckModelAsync(context, _model);

    protected override Entry? Process(Entry entry)
    {
        var messages = new JsonArray();
        if (_systemPrompt is not null)
        {
            messages.Add((JsonNode)ChatRequest.Message("system", _systemPrompt));
        }

        if (_historyKey is not null && (_speaker is null || entry.Has(_historyKey)))
        {
            foreach (var message in entry.Get<List<ChatTurn>>(_historyKey))
            {
                messages.Add((JsonNode)ChatRequest.Message(RoleOf(message), message.Content));
            }
        }

        messages.Add((JsonNode)ChatRequest.Message("user", _promptSuffix is null ? _prompt(entry) : _prompt(entry) + _promptSuffix));
        entry.Data[_requestKey] = ChatRequest.Create(_modelText, messages, (JsonObject?)_settings?.DeepClone(), _sample, (JsonObject?)_responseFormat?.DeepClone());
        return entry;
    }

    private string RoleOf(ChatTurn turn) => _speaker is null ? turn.Role : turn.Role == _speaker ? "assistant" : "user";
}
