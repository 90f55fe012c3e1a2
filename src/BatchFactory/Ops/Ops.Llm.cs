using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    private const string DefaultRequestKey = "llm_request";
    private const string DefaultResponseKey = "llm_response";
    private static readonly AskOptions DefaultAsk = new();
    private static readonly EmbedOptions DefaultEmbed = new();
    private static readonly CallOptions DefaultCall = new();
    private static readonly RequestOptions DefaultRequest = new();

    /// <summary>
    /// Asks a model one question per entry and stores the answer text in <paramref name="outputKey"/>:
    /// GenerateLLMRequest, CallLLM, ExtractResponseText and CleanupLLMData in a row, named <c>AskLLM › GenerateLLMRequest</c>
    /// and so on in errors and summaries. Answers are cached in the run's project ledger by the request's content, so a
    /// rerun makes no call and an edited prompt redoes only what changed. The model that answered is in the entry's meta
    /// as <c>llm_model</c> (see <see cref="CallLLM"/>).
    /// </summary>
    /// <param name="prompt">The user prompt, with <c>{field}</c> placeholders filled from the entry (<c>{{</c>, <c>}}</c> for braces). A missing field fails the run naming the op, field and idx.</param>
    /// <param name="model"><c>model@provider</c>, e.g. <c>gpt-4o-mini@openai</c> or <c>gpt-4o-mini@offline</c>. Checked before the run starts.</param>
    /// <param name="outputKey">Where the answer text goes. Default <c>response</c>.</param>
    /// <param name="options">System prompt, model settings, sample, concurrency, failure policy; see <see cref="AskOptions"/> for each default. Default: all defaults.</param>
    /// <returns>A graph of the four ops.</returns>
    /// <exception cref="ArgumentException">The template has an unmatched brace, the model names no provider, or an option is out of range.</exception>
    public static Graph AskLLM(string prompt, string model, string outputKey = "response", AskOptions? options = null)
    {
        var template = new PromptTemplate(prompt);
        return AskLLM(template.Render, $"\"{Shorten(prompt)}\"", model, outputKey, options);
    }

    /// <summary>Like <see cref="AskLLM(string, string, string, AskOptions?)"/>, with the prompt made by <paramref name="prompt"/> for anything a template cannot say.</summary>
    /// <param name="prompt">Makes the user prompt from the entry.</param>
    /// <param name="model"><c>model@provider</c>; checked before the run starts.</param>
    /// <param name="outputKey">Where the answer text goes. Default <c>response</c>.</param>
    /// <param name="options">See <see cref="AskOptions"/> for each setting and its default. Default: all defaults.</param>
    /// <returns>A graph of the four ops.</returns>
    /// <exception cref="ArgumentException">The model names no provider, or an option is out of range.</exception>
    public static Graph AskLLM(Func<Entry, string> prompt, string model, string outputKey = "response", AskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return AskLLM(prompt, "prompt builder", model, outputKey, options);
    }

    /// <summary>Builds an LLM request per entry from a prompt template and stores it in <paramref name="requestKey"/>, for <see cref="CallLLM"/>.</summary>
    /// <param name="prompt">The user prompt with <c>{field}</c> placeholders.</param>
    /// <param name="model"><c>model@provider</c>; checked before the run starts.</param>
    /// <param name="requestKey">Where the request goes. Default <c>llm_request</c>.</param>
    /// <param name="options">System prompt, history field, model settings and sample; see <see cref="RequestOptions"/> for each default. Default: all defaults.</param>
    /// <returns>The op.</returns>
    /// <exception cref="ArgumentException">The template has an unmatched brace, the model names no provider, or an option is out of range.</exception>
    public static Op GenerateLLMRequest(string prompt, string model, string requestKey = DefaultRequestKey, RequestOptions? options = null)
    {
        var template = new PromptTemplate(prompt);
        return GenerateLLMRequest(template.Render, $"\"{Shorten(prompt)}\"", model, requestKey, options);
    }

    /// <summary>Builds an LLM request per entry with a prompt made by <paramref name="prompt"/>.</summary>
    /// <param name="prompt">Makes the user prompt from the entry.</param>
    /// <param name="model"><c>model@provider</c>; checked before the run starts.</param>
    /// <param name="requestKey">Where the request goes. Default <c>llm_request</c>.</param>
    /// <param name="options">See <see cref="RequestOptions"/> for each setting and its default. Default: all defaults.</param>
    /// <returns>The op.</returns>
    /// <exception cref="ArgumentException">The model names no provider, or an option is out of range.</exception>
    public static Op GenerateLLMRequest(Func<Entry, string> prompt, string model, string requestKey = DefaultRequestKey, RequestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return GenerateLLMRequest(prompt, "prompt builder", model, requestKey, options);
    }

    /// <summary>
    /// Sends each entry's request (from <see cref="GenerateLLMRequest(string, string, string, RequestOptions?)"/>)
    /// and stores the answer in <paramref name="responseKey"/>. Answers already in the run's project ledger (<c>llm</c>)
    /// are served from it; identical requests in flight are sent once; each fresh answer is appended to the ledger as
    /// soon as it arrives. The entry's <see cref="Entry.Meta"/> gets <c>llm_model</c>, the <c>model@provider</c> that gave
    /// the answer (for a fallback chain, the member that answered), and <c>llm_endpoint</c>, the server of a pool that gave
    /// it (absent otherwise); the last call of the entry sets them, and they stay after the response field is removed.
    /// </summary>
    /// <param name="requestKey">The request field. Default <c>llm_request</c>.</param>
    /// <param name="responseKey">Where the answer goes. Default <c>llm_response</c>.</param>
    /// <param name="options">Concurrency and failure policy; see <see cref="CallOptions"/> for each default. Default: all defaults.</param>
    /// <returns>The op.</returns>
    /// <exception cref="ArgumentException">A key is empty, or an option is out of range.</exception>
    public static Op CallLLM(string requestKey = DefaultRequestKey, string responseKey = DefaultResponseKey, CallOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(responseKey);
        options ??= DefaultCall;
        options.Validate(nameof(CallLLM));
        return new CallLLMOp(requestKey, responseKey, options.Concurrency, options.OnFailure, options.ExtraAttempts, options.Mode);
    }

    /// <summary>Copies the answer text from CallLLM's response field to <paramref name="outputKey"/>.</summary>
    /// <param name="responseKey">The response field. Default <c>llm_response</c>.</param>
    /// <param name="outputKey">Where the text goes. Default <c>response</c>.</param>
    /// <param name="removeThinking">Remove <c>&lt;think&gt;…&lt;/think&gt;</c> reasoning. Default <see langword="false"/>.</param>
    /// <returns>The op.</returns>
    public static Op ExtractResponseText(string responseKey = DefaultResponseKey, string outputKey = "response", bool removeThinking = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(responseKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputKey);
        return new ExtractResponseTextOp(responseKey, outputKey, removeThinking);
    }

    /// <summary>Removes the request and response fields an LLM call leaves on an entry.</summary>
    /// <param name="requestKey">The request field. Default <c>llm_request</c>.</param>
    /// <param name="responseKey">The response field. Default <c>llm_response</c>.</param>
    /// <returns>The op.</returns>
    public static Op CleanupLLMData(string requestKey = DefaultRequestKey, string responseKey = DefaultResponseKey) =>
        RemoveField(requestKey, responseKey).Renamed("CleanupLLMData");

    /// <summary>
    /// Embeds the text of <paramref name="inputKey"/> with <paramref name="model"/> and stores the vector in
    /// <paramref name="outputKey"/>. Vectors are cached in the run's project ledger (<c>embeddings</c>) by model and text.
    /// The entry's <see cref="Entry.Meta"/> gets <c>llm_model</c>, the <c>model@provider</c> that gave the vector (a
    /// fallback chain's member).
    /// </summary>
    /// <param name="inputKey">The text field.</param>
    /// <param name="model"><c>model@provider</c>, e.g. <c>text-embedding-3-small@openai</c>; checked before the run starts.</param>
    /// <param name="outputKey">Where the vector goes. Default <c>embedding</c>.</param>
    /// <param name="options">Vector format, concurrency and failure policy; see <see cref="EmbedOptions"/> for each default. Default: all defaults.</param>
    /// <returns>The op.</returns>
    /// <exception cref="ArgumentException">A key is empty, the model names no provider, or an option is out of range.</exception>
    public static Op EmbedText(string inputKey, string model, string outputKey = "embedding", EmbedOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputKey);
        options ??= DefaultEmbed;
        options.Validate(nameof(EmbedText));
        return new EmbedTextOp(inputKey, ModelSpec.Parse(model), outputKey, options.Format, options.Concurrency, options.OnFailure, options.ExtraAttempts, options.Mode);
    }

    private static Graph AskLLM(Func<Entry, string> prompt, string describe, string model, string outputKey, AskOptions? options)
    {
        options ??= DefaultAsk;
        options.Validate(nameof(AskLLM));
        var request = new RequestOptions { SystemPrompt = options.SystemPrompt, Llm = options.Llm, Sample = options.Sample };
        var call = new CallOptions { Concurrency = options.Concurrency, OnFailure = options.OnFailure, ExtraAttempts = options.ExtraAttempts, Mode = options.Mode };
        const string Scope = nameof(AskLLM);
        return Part(Scope, GenerateLLMRequest(prompt, describe, model, DefaultRequestKey, request))
            | Part(Scope, CallLLM(DefaultRequestKey, DefaultResponseKey, call))
            | Part(Scope, ExtractResponseText(DefaultResponseKey, outputKey, options.RemoveThinking))
            | Part(Scope, CleanupLLMData(DefaultRequestKey, DefaultResponseKey));
    }

    private static Op GenerateLLMRequest(Func<Entry, string> prompt, string describe, string model, string requestKey, RequestOptions? options)
    {
        options ??= DefaultRequest;
        options.Validate(nameof(GenerateLLMRequest));
        return new GenerateLLMRequestOp(prompt, describe, ModelSpec.Parse(model), requestKey, options.SystemPrompt, options.HistoryKey, options.Llm, options.Sample);
    }

    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
