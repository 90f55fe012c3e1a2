using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries;

namespace BatchFactory.Operators;

/// <summary>
/// Copies the answer text out of CallLLM's response field into the output field, optionally without <c>&lt;think&gt;</c>
/// blocks. An entry CallLLM emitted as failed (<c>status</c> "failed", no response) passes through unchanged.
/// </summary>
internal sealed partial class ExtractResponseTextOp(string responseKey, string outputKey, bool removeThinking) : EntryOp("ExtractResponseText")
{
    internal override bool SafeInParallel => true;

    private protected override string Describe() => $"{responseKey} -> {outputKey}{(removeThinking ? ", without <think>" : "")}";

    protected override Entry? Process(Entry entry)
    {
        if (FailureMark.Lacks(entry, responseKey))
        {
            return entry;
        }

        var response = entry.Has(responseKey) ? entry.Data[responseKey] : throw entry.MissingField(responseKey);
        var text = (response as JsonObject)?["text"] is JsonValue value && value.TryGetValue<string>(out var answer)
            ? answer
            : throw new EntryFieldException(entry.Idx, responseKey, $"Field '{responseKey}' of entry '{entry.Idx}' holds no answer text (it was {response?.ToJsonString() ?? "null"}); make it with CallLLM.");
        entry.Set(outputKey, removeThinking ? ThinkBlock().Replace(text, string.Empty).Trim() : text);
        return entry;
    }

    [GeneratedRegex(@"<think>.*?(</think>|\z)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ThinkBlock();
}
