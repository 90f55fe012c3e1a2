using BatchFactory.Engine;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries;
using BatchFactory.Reporting;

namespace BatchFactory.Operators;

/// <summary>
/// Reads a typed value out of free text in a field (see <see cref="JsonInText"/>), checked as <c>AskLLM&lt;T&gt;</c>
/// checks an answer, and stores it as JSON in the output field. Text without a valid value is an error of the entry,
/// handled by the op's error policy (<c>OnError</c>, else the run's).
/// </summary>
internal sealed class ExtractJsonOp(string inputKey, string outputKey, AnswerType type, bool userCode) : EntryOp("ExtractJson")
{
    internal override bool SafeInParallel => !userCode;

    // Text without a valid value is the entry's fault, like an error in user code: the op's error policy decides.
    internal override bool RunsUserCode => true;

    private protected override string Describe() => $"{inputKey} -> {outputKey} as {type.TypeName}";

    internal override ValueTask PrepareAsync(OpContext context)
    {
        context.Answers = new AnswerCounters();
        return ValueTask.CompletedTask;
    }

    protected override Entry? Process(Entry entry) => throw new InvalidOperationException("ExtractJson runs through Bind.");

    protected override Func<Entry, Entry?> Bind(OpContext context) => entry =>
    {
        var text = entry.Get<string>(inputKey);
        var check = type.Check(JsonInText.Find(text), wrapped: false);
        if (!check.Valid)
        {
            context.Answers!.Invalid();
            throw new EntryFieldException(entry.Idx, inputKey, $"Field '{inputKey}' of entry '{entry.Idx}' holds no valid {type.TypeName}: {string.Join("; ", check.Errors)}");
        }

        context.Answers!.Valid(0);
        entry.Data[outputKey] = check.Value;
        return entry;
    };
}
