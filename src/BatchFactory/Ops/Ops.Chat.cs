using BatchFactory.Operators;

namespace BatchFactory;

public static partial class Ops
{
    /// <summary>
    /// Renders the chat history in <paramref name="historyKey"/> (e.g. built by <see cref="AICharacter"/>) as text: one
    /// <paramref name="template"/> per message, with <c>{role}</c> and <c>{content}</c> filled in.
    /// </summary>
    /// <param name="template">The text of one message. Default <c>**{role}**: {content}</c> and a blank line.</param>
    /// <param name="historyKey">The history field. Default <c>chat_history</c>.</param>
    /// <param name="outputKey">Where the text goes. Default <c>text</c>.</param>
    /// <returns>The op.</returns>
    public static Op ChatHistoryToText(string template = "**{role}**: {content}\n\n", string historyKey = "chat_history", string outputKey = "text")
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrWhiteSpace(historyKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputKey);
        return new ChatHistoryToTextOp(template, historyKey, outputKey);
    }
}
