using System.Text.Json.Nodes;
using BatchFactory.Engine.Kinds;
using BatchFactory.Entries;

namespace BatchFactory.Operators;

/// <summary>
/// Moves a character's reply from a scratch field onto the end of the chat history as <c>{"role": name, "content": reply}</c>.
/// An entry whose call failed and was emitted (<c>status</c> "failed", no reply) passes through unchanged.
/// </summary>
internal sealed class AppendChatTurnOp(string speaker, string replyKey, string historyKey) : EntryOp("AppendChatTurn")
{
    internal override bool SafeInParallel => true;

    private protected override string Describe() => $"{speaker}: {replyKey} -> {historyKey}";

    protected override Entry? Process(Entry entry)
    {
        if (FailureMark.Lacks(entry, replyKey))
        {
            return entry;
        }

        var reply = entry.Get<string>(replyKey);
        entry.Data.Remove(replyKey);
        if (entry.Data[historyKey] is not JsonArray history)
        {
            if (entry.Has(historyKey) && entry.Data[historyKey] is not null)
            {
                throw new EntryFieldException(entry.Idx, historyKey, $"Field '{historyKey}' of entry '{entry.Idx}' should be a chat history (a list of role/content messages) but is {JsonFieldCodec.Preview(entry.Data[historyKey])}.");
            }

            entry.Data[historyKey] = history = [];
        }

        history.Add((JsonNode)new JsonObject { ["role"] = speaker, ["content"] = reply });
        return entry;
    }
}
