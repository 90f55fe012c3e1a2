namespace BatchFactory.Testing;

/// <summary>One message of a chat request, as the server read it.</summary>
/// <param name="Role">The message's role as sent (<c>system</c>, <c>user</c>, <c>assistant</c>, <c>tool</c>, …).</param>
/// <param name="Text">
/// The message's text: the <c>content</c> string, or the <c>text</c> of each text part concatenated without a
/// separator; empty when the content is null or has no text parts.
/// </param>
public sealed record ChatMessageInfo(string Role, string Text);
