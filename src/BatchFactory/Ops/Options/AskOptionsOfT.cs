using System.Text.Json.Serialization.Metadata;

namespace BatchFactory;

/// <summary>
/// The optional settings of <see cref="Ops.AskLLM{T}(string, string, string, AskOptions{T}?)"/>, besides those every
/// model call has (<see cref="ModelCallOptions"/>). <see cref="SystemPrompt"/>, <see cref="Llm"/> and <see cref="Sample"/>
/// are part of the request, and so of its cache key; <see cref="MaxRepairs"/> and <see cref="Validator"/> are not, so
/// changing them re-checks stored answers without calls.
/// </summary>
/// <remarks>
/// <see cref="ModelCallOptions.OnFailure"/> also decides what happens to an entry whose answer is still invalid after
/// <see cref="MaxRepairs"/> repairs: <see cref="OnCallFailure.Stay"/> keeps it back (a later run checks it again),
/// <see cref="OnCallFailure.Retry"/> asks for <see cref="ModelCallOptions.ExtraAttempts"/> more repairs first and then
/// keeps it back, <see cref="OnCallFailure.Emit"/> passes it on with <c>status: "invalid"</c>, <c>errors</c> and
/// <c>raw_answer</c> (and no output field), <see cref="OnCallFailure.FailRun"/> stops the run. Every such entry is
/// listed in the run's failures and in the project's dead-letter file.
/// </remarks>
/// <typeparam name="T">The answer type.</typeparam>
/// <example><c>AskLLM&lt;QA&gt;("Ask about {topic}.", model, "qa", new AskOptions&lt;QA&gt; { MaxRepairs = 3, Validator = qa => qa.Question.EndsWith('?') ? null : "The question must end with '?'." })</c></example>
public sealed record AskOptions<T> : ModelCallOptions
{
    /// <summary>The most repairs allowed (at most 16).</summary>
    public const int RepairLimit = 16;

    /// <summary>A system message sent before the prompt. Default none.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Temperature, max tokens and other settings of the model. Default: the provider's.</summary>
    public LlmOptions? Llm { get; init; }

    /// <summary>Which sample of the same prompt this is: N samples are N calls; 0 or more. Default 0.</summary>
    public int Sample { get; init; }

    /// <summary>
    /// Also state the JSON schema at the end of the user prompt, for models or servers that ignore
    /// <c>response_format</c> (some local OpenAI-compatible servers, clients you bring). Part of the request, so of its
    /// cache key. Default <see langword="false"/>: the schema goes only in <c>response_format</c>.
    /// </summary>
    public bool SchemaInPrompt { get; init; }

    /// <summary>
    /// How many times an invalid answer is sent back with its errors for a corrected one, 0–16. Default 2. Each repair
    /// is one more request (with its own cache key), so an entry costs at most 1 + <see cref="MaxRepairs"/> requests.
    /// </summary>
    public int MaxRepairs { get; init; } = 2;

    /// <summary>
    /// Checks an answer that is otherwise valid: a message means invalid (the model is told it), <see langword="null"/>
    /// valid. Runs on the op's workers, several at once. Default none. An exception it throws stops the run.
    /// </summary>
    public Func<T, string?>? Validator { get; init; }

    /// <summary>
    /// The contract of <typeparamref name="T"/> from your <c>JsonSerializerContext</c> (e.g. <c>MyJson.Default.Person</c>):
    /// needed where the app turns reflection-based serialisation off (native AOT, trimmed and file-based apps, see the
    /// README's "Trimming and native AOT"); its context then also serves <c>entry.Get&lt;T&gt;</c> and
    /// <c>result.Values&lt;T&gt;()</c>. Not part of the request. Default: reflection, where the app allows it.
    /// </summary>
    public JsonTypeInfo<T>? JsonTypeInfo { get; init; }

    internal override void Validate(string op)
    {
        base.Validate(op);
        if (Sample < 0)
        {
            throw new ArgumentException($"{op}: AskOptions<{typeof(T).Name}>.Sample must be 0 or more (it is {Sample}).", "options");
        }

        if (MaxRepairs is < 0 or > RepairLimit)
        {
            throw new ArgumentException($"{op}: AskOptions<{typeof(T).Name}>.MaxRepairs must be 0 to {RepairLimit} (it is {MaxRepairs}).", "options");
        }
    }
}
