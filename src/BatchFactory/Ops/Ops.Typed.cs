using System.Text.Json.Serialization.Metadata;
using BatchFactory.Brokers;
using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>
    /// Asks a model one question per entry for an answer of type <typeparamref name="T"/> and stores it in
    /// <paramref name="outputKey"/> as JSON (read it with <c>entry.Get&lt;T&gt;</c>, <c>MapField((T x) => …)</c> or
    /// <c>result.Values&lt;T&gt;()</c>). The JSON schema of <typeparamref name="T"/> (descriptions, required and nullable
    /// members, enums, DataAnnotations ranges, lengths and patterns) is sent as <c>response_format: json_schema</c> in
    /// strict mode; a type that is not an object (a list, an array, a scalar) is sent wrapped as <c>{"value": …}</c> and
    /// unwrapped for you. Answers are read strictly and validated (DataAnnotations, then
    /// <see cref="AskOptions{T}.Validator"/>); an invalid one is sent back with its errors, as the next turn of the
    /// conversation, up to <see cref="AskOptions{T}.MaxRepairs"/> times. Every attempt is an ordinary cached request:
    /// a rerun replays the chain from the ledger with no call, and since validation is not part of any key, a changed
    /// validator re-checks stored answers without calls. An answer still invalid is written to the project's
    /// <c>failed/AskLLM-&lt;T&gt;.jsonl</c> and handled by <see cref="ModelCallOptions.OnFailure"/>. The parts are named
    /// <c>AskLLM&lt;T&gt; › GenerateLLMRequest</c>, <c>AskLLM&lt;T&gt; › CallLLM</c> and <c>AskLLM&lt;T&gt; › CleanupLLMData</c>.
    /// The entry's <see cref="Entry.Meta"/> gets <c>llm_model</c> (and <c>llm_endpoint</c>) for the valid answer, as
    /// <see cref="AskLLM(string, string, string, AskOptions?)"/> does.
    /// </summary>
    /// <typeparam name="T">The answer type: a record or class, a list or array of them, or a scalar.</typeparam>
    /// <param name="prompt">The user prompt, with <c>{field}</c> placeholders filled from the entry (<c>{{</c>, <c>}}</c> for braces).</param>
    /// <param name="model"><c>model@provider</c>; checked before the run starts.</param>
    /// <param name="outputKey">Where the answer goes. Default <c>response</c>.</param>
    /// <param name="options">System prompt, model settings, sample, repairs, validator, concurrency and failure policy; see <see cref="AskOptions{T}"/> for each default. Default: all defaults.</param>
    /// <returns>A graph of the three ops.</returns>
    /// <exception cref="ArgumentException">The template has an unmatched brace, the model names no provider, an option is out of range, or <typeparamref name="T"/> has no JSON schema.</exception>
    public static Graph AskLLM<T>(string prompt, string model, string outputKey = "response", AskOptions<T>? options = null)
    {
        var template = new PromptTemplate(prompt);
        return AskLLM(template.Render, $"\"{Shorten(prompt)}\"", model, outputKey, options);
    }

    /// <summary>Like <see cref="AskLLM{T}(string, string, string, AskOptions{T}?)"/>, with the prompt made by <paramref name="prompt"/>.</summary>
    /// <typeparam name="T">The answer type: a record or class, a list or array of them, or a scalar.</typeparam>
    /// <param name="prompt">Makes the user prompt from the entry.</param>
    /// <param name="model"><c>model@provider</c>; checked before the run starts.</param>
    /// <param name="outputKey">Where the answer goes. Default <c>response</c>.</param>
    /// <param name="options">See <see cref="AskOptions{T}"/> for each setting and its default. Default: all defaults.</param>
    /// <returns>A graph of the three ops.</returns>
    /// <exception cref="ArgumentException">The model names no provider, an option is out of range, or <typeparamref name="T"/> has no JSON schema.</exception>
    public static Graph AskLLM<T>(Func<Entry, string> prompt, string model, string outputKey = "response", AskOptions<T>? options = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return AskLLM(prompt, "prompt builder", model, outputKey, options);
    }

    /// <summary>
    /// Reads a <typeparamref name="T"/> out of the free text in <paramref name="inputKey"/> (a fenced code block, else
    /// the first balanced JSON object or list, else the whole text), checks it as <see cref="AskLLM{T}(string, string, string, AskOptions{T}?)"/>
    /// checks an answer, and stores it as JSON in <paramref name="outputKey"/>. Text without a valid value is an error of
    /// the entry, naming its idx and the JSON paths: the run stops, unless <c>.OnError(…)</c> or
    /// <see cref="RunOptions.OnEntryError"/> says to drop or pass on such entries.
    /// </summary>
    /// <typeparam name="T">The value's type: a record or class, a list or array of them, or a scalar.</typeparam>
    /// <param name="inputKey">The text field, e.g. an answer of <see cref="AskLLM(string, string, string, AskOptions?)"/>.</param>
    /// <param name="outputKey">Where the value goes. Default: <paramref name="inputKey"/> (in place).</param>
    /// <param name="validator">Checks a value that is otherwise valid: a message means invalid. Default none.</param>
    /// <param name="typeInfo">
    /// The contract of <typeparamref name="T"/> from your <c>JsonSerializerContext</c> (e.g. <c>MyJson.Default.Person</c>):
    /// needed where the app turns reflection-based serialisation off (native AOT, trimmed and file-based apps); its
    /// context then also serves <c>entry.Get&lt;T&gt;</c> and <c>result.Values&lt;T&gt;()</c>. Default: the contracts of
    /// <see cref="RunOptions.JsonTypeInfoResolver"/>, else reflection.
    /// </param>
    /// <returns>The op.</returns>
    /// <exception cref="ArgumentException">A key is empty, or <typeparamref name="T"/> has no JSON schema.</exception>
    public static Op ExtractJson<T>(string inputKey, string? outputKey = null, Func<T, string?>? validator = null, JsonTypeInfo<T>? typeInfo = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputKey);
        return new ExtractJsonOp(inputKey, outputKey ?? inputKey, AnswerTypeOf(validator, typeInfo), validator is not null);
    }

    /// <summary>
    /// A typed AskLLM whose answer type is given rather than made from <typeparamref name="T"/> (YAML pipelines declare
    /// theirs as JSON schemas); <paramref name="options"/> gives every setting but the validator, which the type holds.
    /// </summary>
    internal static Graph AskLLM<T>(string prompt, string model, string outputKey, AskOptions<T> options, AnswerType type)
    {
        var template = new PromptTemplate(prompt);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputKey);
        options.Validate(nameof(AskLLM));
        return AskTyped(template.Render, $"\"{Shorten(prompt)}\"", model, outputKey, options, type);
    }

    private static Graph AskLLM<T>(Func<Entry, string> prompt, string describe, string model, string outputKey, AskOptions<T>? options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputKey);
        options ??= new AskOptions<T>();
        options.Validate(nameof(AskLLM));
        return AskTyped(prompt, describe, model, outputKey, options, AnswerTypeOf(options.Validator, options.JsonTypeInfo));
    }

    private static Graph AskTyped<T>(Func<Entry, string> prompt, string describe, string model, string outputKey, AskOptions<T> options, AnswerType type)
    {
        var scope = $"{nameof(AskLLM)}<{type.TypeName}>";
        var format = ChatRequest.JsonSchemaFormat(type.SchemaName, type.Schema);
        var suffix = options.SchemaInPrompt ? $"\n\nAnswer with JSON only, matching this JSON schema:\n{type.Schema.ToJsonString()}" : null;
        var request = new GenerateLLMRequestOp(prompt, describe, ModelSpec.Parse(model), DefaultRequestKey, options.SystemPrompt, null, options.Llm, options.Sample, responseFormat: format, promptSuffix: suffix);
        return Part(scope, request)
            | Part(scope, new TypedCallOp(DefaultRequestKey, outputKey, type, options.MaxRepairs, options.Concurrency, options.OnFailure, options.ExtraAttempts, options.Mode))
            | Part(scope, CleanupLLMData(DefaultRequestKey, DefaultResponseKey));
    }

    private static AnswerType<T> AnswerTypeOf<T>(Func<T, string?>? validator, JsonTypeInfo<T>? typeInfo)
    {
        try
        {
            return new AnswerType<T>(validator, typeInfo);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            throw new ArgumentException($"{typeof(T).Name} cannot be a typed answer: it has no JSON schema ({ex.Message}).", nameof(T), ex);
        }
    }
}
