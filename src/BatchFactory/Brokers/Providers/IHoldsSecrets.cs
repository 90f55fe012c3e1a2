namespace BatchFactory;

/// <summary>
/// A provider that declares the secrets it sends (API keys, tokens), so that a run keeps them out of everything it
/// writes: logs, run events, summaries, ledgers and entries, even when an error message quotes one. Implement it on
/// your own <see cref="IModelProvider"/> when it holds a key; the built-in <see cref="OpenAIProvider"/> and
/// <see cref="AzureOpenAIProvider"/> declare the keys they read from their environment variables.
/// </summary>
/// <remarks>
/// A run reads <see cref="Secrets"/> of every provider in <see cref="RunOptions.Models"/> once, when it starts, and
/// replaces each one found in what it writes with <c>***</c>. Values shorter than 8 characters are not replaced: they
/// would mask ordinary words, and real keys are far longer.
/// </remarks>
/// <example>
/// <code>
/// sealed class MyProvider(string apiKey) : IModelProvider, IHoldsSecrets
/// {
///     public IEnumerable&lt;string&gt; Secrets => [apiKey];
///     // Name, Validate, CreateChatClient, CreateEmbeddingGenerator …
/// }
/// </code>
/// </example>
public interface IHoldsSecrets
{
    /// <summary>The secrets the provider would send now; empty when it has none (a key that is not set).</summary>
    IEnumerable<string> Secrets { get; }
}
