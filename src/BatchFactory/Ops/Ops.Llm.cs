using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    private const string DefaultRequestKey = "llm_request";
    private const string DefaultResponseKey = "llm_response";

    /// <summary>
    /// Asks a model one question per entry and stores the answer text in <paramref name="outputKey"/>:
    /// GenerateLLMRequest, CallLLM, ExtractResponseText and CleanupLLMData in a row. Answers are cached in the run's
    /// project ledger by the request's content, so a rerun makes no call and an edited prompt redoes only what changed.
    /// </summary>
    /// <param name="promptTemplate">The user prompt, with <c>{field}</c> placeholders filled from the entry (<c>{{</c>, <c>}}</c> for braces). A missing field fails the run naming the op, field and idx.</param>
    /// <param name="model"><c>model@provider</c>, e.g. <c>gpt-4o-mini@openai</c> or <c>gpt-4o-mini@offline</c>. Checked before the run starts.</param>
    /// <param name="outputKey">Where the answer text goes. Default <c>response</c>.</param>
    /// <param name="systemPrompt">A system message sent first. Default none.</param>
    /// <param name="options">Temperature, max tokens and other settings; all part of the cache key. Default: the provider's.</param>
    /// <param name="sample">Which sample of the same prompt this is: N samples are N calls. Default 0.</param>
    /// <param name="concurrency">How many requests the op has in flight at once. Default 64.</param>
    /// <param name="onFailure">What to do with an entry whose request fails after retries. Default <see cref="OnCallFailure.Stay"/>.</param>
    /// <param name="removeThinking">Remove <c>&lt;think&gt;…&lt;/think&gt;</c> reasoning from the answer. Default <see langword="false"/>.</param>
    /// <returns>A graph of the four ops.</returns>
    public static Graph AskLLM(string promptTemplate, string model, string outputKey = "response", string? systemPrompt = null, LlmOptions? options = null, int sample = 0, int concurrency = 64, OnCallFailure onFailure = OnCallFailure.Stay, bool removeThinking = false) =>
        GenerateLLMRequest(promptTemplate, model, DefaultRequestKey, systemPrompt, null, options, sample)
        | CallLLM(DefaultRequestKey, DefaultResponseKey, concurrency, onFailure)
        | ExtractResponseText(DefaultResponseKey, outputKey, removeThinking)
        | CleanupLLMData(DefaultRequestKey, DefaultResponseKey);

    /// <summary>Like <see cref="AskLLM(string, string, string, string?, LlmOptions?, int, int, OnCallFailure, bool)"/>, with the prompt made by <paramref name="promptBuilder"/> for anything a template cannot say.</summary>
    /// <param name="promptBuilder">Makes the user prompt from the entry.</param>
    /// <param name="model"><c>model@provider</c>.</param>
    /// <param name="outputKey">Where the answer text goes. Default <c>response</c>.</param>
    /// <param name="systemPrompt">A system message sent first. Default none.</param>
    /// <param name="options">Settings that change the answer. Default: the provider's.</param>
    /// <param name="sample">Which sample of the same prompt this is. Default 0.</param>
    /// <param name="concurrency">Requests in flight at once. Default 64.</param>
    /// <param name="onFailure">What to do with an entry whose request fails. Default <see cref="OnCallFailure.Stay"/>.</param>
    /// <param name="removeThinking">Remove <c>&lt;think&gt;</c> blocks. Default <see langword="false"/>.</param>
    /// <returns>A graph of the four ops.</returns>
    public static Graph AskLLM(Func<Entry, string> promptBuilder, string model, string outputKey = "response", string? systemPrompt = null, LlmOptions? options = null, int sample = 0, int concurrency = 64, OnCallFailure onFailure = OnCallFailure.Stay, bool removeThinking = false) =>
        GenerateLLMRequest(promptBuilder, model, DefaultRequestKey, systemPrompt, null, options, sample)
        | CallLLM(DefaultRequestKey, DefaultResponseKey, concurrency, onFailure)
        | ExtractResponseText(DefaultResponseKey, outputKey, removeThinking)
        | CleanupLLMData(DefaultRequestKey, DefaultResponseKey);

    /// <summary>Builds an LLM request per entry from a prompt template and stores it in <paramref name="requestKey"/>, for <see cref="CallLLM"/>.</summary>
    /// <param name="promptTemplate">The user prompt with <c>{field}</c> placeholders.</param>
    /// <param name="model"><c>model@provider</c>; checked before the run starts.</param>
    /// <param name="requestKey">Where the request goes. Default <c>llm_request</c>.</param>
    /// <param name="systemPrompt">A system message sent first. Default none.</param>
    /// <param name="historyKey">A field holding earlier messages (a list of <see cref="ChatTurn"/>), sent before the prompt. Default none.</param>
    /// <param name="options">Settings that change the answer. Default: the provider's.</param>
    /// <param name="sample">Which sample of the same prompt this is. Default 0.</param>
    /// <returns>The op.</returns>
    /// <exception cref="ArgumentException">The template has an unmatched brace, or the model names no provider.</exception>
    public static Op GenerateLLMRequest(string promptTemplate, string model, string requestKey = DefaultRequestKey, string? systemPrompt = null, string? historyKey = null, LlmOptions? options = null, int sample = 0)
    {
        var template = new PromptTemplate(promptTemplate);
        return new GenerateLLMRequestOp(template.Render, $"\"{Shorten(promptTemplate)}\"", ModelSpec.Parse(model), requestKey, systemPrompt, historyKey, options, sample);
    }

    /// <summary>Builds an LLM request per entry with a prompt made by <paramref name="promptBuilder"/>.</summary>
    /// <param name="promptBuilder">Makes the user prompt from the entry.</param>
    /// <param name="model"><c>model@provider</c>; checked before the run starts.</param>
    /// <param name="requestKey">Where the request goes. Default <c>llm_request</c>.</param>
    /// <param name="systemPrompt">A system message sent first. Default none.</param>
    /// <param name="historyKey">A field holding earlier messages. Default none.</param>
    /// <param name="options">Settings that change the answer. Default: the provider's.</param>
    /// <param name="sample">Which sample of the same prompt this is. Default 0.</param>
    /// <returns>The op.</returns>
    public static Op GenerateLLMRequest(Func<Entry, string> promptBuilder, string model, string requestKey = DefaultRequestKey, string? systemPrompt = null, string? historyKey = null, LlmOptions? options = null, int sample = 0)
    {
        ArgumentNullException.ThrowIfNull(promptBuilder);
        return new GenerateLLMRequestOp(promptBuilder, "prompt builder", ModelSpec.Parse(model), requestKey, systemPrompt, historyKey, options, sample);
    }

    /// <summary>
    /// Sends each entry's request (from <see cref="GenerateLLMRequest(string, string, string, string?, string?, LlmOptions?, int)"/>)
    /// and stores the answer in <paramref name="responseKey"/>. Answers already in the run's project ledger (<c>llm</c>)
    /// are served from it; identical requests in flight are sent once; each fresh answer is appended to the ledger as
    /// soon as it arrives.
    /// </summary>
    /// <param name="requestKey">The request field. Default <c>llm_request</c>.</param>
    /// <param name="responseKey">Where the answer goes. Default <c>llm_response</c>.</param>
    /// <param name="concurrency">Requests in flight at once. Default 64.</param>
    /// <param name="onFailure">What to do with an entry whose request fails after retries. Default <see cref="OnCallFailure.Stay"/>.</param>
    /// <param name="extraAttempts">With <see cref="OnCallFailure.Retry"/>: how many more times to try. Default 2.</param>
    /// <returns>The op.</returns>
    public static Op CallLLM(string requestKey = DefaultRequestKey, string responseKey = DefaultResponseKey, int concurrency = 64, OnCallFailure onFailure = OnCallFailure.Stay, int extraAttempts = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(responseKey);
        ArgumentOutOfRangeException.ThrowIfNegative(extraAttempts);
        return new CallLLMOp(requestKey, responseKey, concurrency, onFailure, extraAttempts);
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
        RemoveField(requestKey, responseKey).Named("CleanupLLMData");

    /// <summary>
    /// Embeds the text of <paramref name="inputKey"/> with <paramref name="model"/> and stores the vector in
    /// <paramref name="outputKey"/>. Vectors are cached in the run's project ledger (<c>embeddings</c>) by model and text.
    /// </summary>
    /// <param name="inputKey">The text field.</param>
    /// <param name="model"><c>model@provider</c>, e.g. <c>text-embedding-3-small@openai</c>; checked before the run starts.</param>
    /// <param name="outputKey">Where the vector goes. Default <c>embedding</c>.</param>
    /// <param name="format">A list of numbers or compact base64. Default <see cref="EmbeddingFormat.List"/>.</param>
    /// <param name="concurrency">Requests in flight at once. Default 64.</param>
    /// <param name="onFailure">What to do with an entry whose request fails. Default <see cref="OnCallFailure.Stay"/>.</param>
    /// <param name="extraAttempts">With <see cref="OnCallFailure.Retry"/>: how many more times to try. Default 2.</param>
    /// <returns>The op.</returns>
    public static Op EmbedText(string inputKey, string model, string outputKey = "embedding", EmbeddingFormat format = EmbeddingFormat.List, int concurrency = 64, OnCallFailure onFailure = OnCallFailure.Stay, int extraAttempts = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputKey);
        return new EmbedTextOp(inputKey, ModelSpec.Parse(model), outputKey, format, concurrency, onFailure, extraAttempts);
    }

    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
