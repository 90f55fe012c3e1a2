using System.Text;
using BatchFactory.Engine.Kinds;

namespace BatchFactory.Operators;

/// <summary>Renders a chat history field as text, one template instance per message (<c>{role}</c> and <c>{content}</c> filled in).</summary>
internal sealed class ChatHistoryToTextOp(string template, string historyKey, string outputKey) : EntryOp("ChatHistoryToText")
{
    internal override bool SafeInParallel => true;

    private protected override string Describe() => $"{historyKey} -> {outputKey}";

    protected override Entry? Process(Entry entry)
    {
        var text = new StringBuilder();
        foreach (var turn in entry.Get<List<ChatTurn>>(historyKey))
        {
            text.Append(template.Replace("{role}", turn.Role, StringComparison.Ordinal).Replace("{content}", turn.Content, StringComparison.Ordinal));
        }

        entry.Set(outputKey, text.ToString());
        return entry;
    }
}
