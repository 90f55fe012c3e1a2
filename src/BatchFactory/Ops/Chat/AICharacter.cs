using BatchFactory.Operators;

namespace BatchFactory;

/// <summary>
/// A participant in a chat held in an entry's history field: each <see cref="Speak(string)"/> makes a graph in which the
/// character answers an instruction, seeing the history so far, and appends its reply to the history as
/// <c>{"role": name, "content": reply}</c>. Several characters sharing one history field talk with each other, in
/// loops too (e.g. a student and a teacher in <c>Repeat</c>).
/// </summary>
/// <remarks>
/// From each character's point of view its own turns are the assistant's and every other turn is the user's, which is
/// how a two-party chat reads to the model; the instruction comes last as a user message and is not added to the history.
/// Replies are cached like <c>AskLLM</c> answers, so a rerun of a finished dialogue makes no calls.
/// </remarks>
public sealed class AICharacter
{
    private const string ReplyKey = "chat_reply";
    private const string RequestKey = "chat_request";
    private const string ResponseKey = "chat_response";
    private readonly ModelSpec _model;

    /// <summary>Creates a character.</summary>
    /// <param name="name">The character's name; its turns in the history carry it as their role.</param>
    /// <param name="systemPrompt">Who the character is; sent as the system message of each of its calls.</param>
    /// <param name="model"><c>model@provider</c>; checked before a run starts.</param>
    /// <param name="historyKey">The field holding the shared chat history. Default <c>chat_history</c>.</param>
    /// <param name="options">Model settings, concurrency and failure policy; see <see cref="CharacterOptions"/> for each default. Default: all defaults.</param>
    /// <exception cref="ArgumentException">A name or key is empty, the model names no provider, or an option is out of range.</exception>
    public AICharacter(string name, string systemPrompt, string model, string historyKey = "chat_history", CharacterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(systemPrompt);
        ArgumentException.ThrowIfNullOrWhiteSpace(historyKey);
        options ??= new CharacterOptions();
        options.Validate(nameof(AICharacter));
        _model = ModelSpec.Parse(model);
        Name = name;
        SystemPrompt = systemPrompt;
        HistoryKey = historyKey;
        Options = options;
    }

    /// <summary>The character's name, used as the role of its turns.</summary>
    public string Name { get; }

    /// <summary>The system message of the character's calls.</summary>
    public string SystemPrompt { get; }

    /// <summary>The shared chat history field.</summary>
    public string HistoryKey { get; }

    /// <summary>The settings of the character's calls (all defaults when none were given).</summary>
    public CharacterOptions Options { get; }

    /// <summary>The character answers <paramref name="instruction"/> and its reply joins the history.</summary>
    /// <param name="instruction">What the character is asked to do now, with <c>{field}</c> placeholders filled from the entry.</param>
    /// <returns>A graph: request, call, and appending the reply.</returns>
    public Graph Speak(string instruction)
    {
        var template = new PromptTemplate(instruction);
        return Speak(template.Render, $"{Name}: \"{Ops.Shorten(instruction)}\"");
    }

    /// <summary>The character answers an instruction made per entry by <paramref name="instruction"/>.</summary>
    /// <param name="instruction">Makes the instruction from the entry.</param>
    /// <returns>A graph: request, call, and appending the reply.</returns>
    public Graph Speak(Func<Entry, string> instruction)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        return Speak(instruction, $"{Name}: instruction builder");
    }

    /// <summary>The character's name.</summary>
    /// <returns><see cref="Name"/>.</returns>
    public override string ToString() => Name;

    // Each op is named "<name>.Speak › <op>" so errors and summaries name what the user wrote.
    private Graph Speak(Func<Entry, string> instruction, string describe)
    {
        var scope = $"{Name}.{nameof(Speak)}";
        var call = new CallOptions { Concurrency = Options.Concurrency, OnFailure = Options.OnFailure, ExtraAttempts = Options.ExtraAttempts, Mode = Options.Mode };
        return Ops.Part(scope, new GenerateLLMRequestOp(instruction, describe, _model, RequestKey, SystemPrompt, HistoryKey, Options.Llm, 0, speaker: Name))
            | Ops.Part(scope, Ops.CallLLM(RequestKey, ResponseKey, call))
            | Ops.Part(scope, Ops.ExtractResponseText(ResponseKey, ReplyKey))
            | Ops.Part(scope, new AppendChatTurnOp(Name, ReplyKey, HistoryKey))
            | Ops.Part(scope, Ops.CleanupLLMData(RequestKey, ResponseKey));
    }
}
