using System.Text.Json.Nodes;
using BatchFactory.Entries;

namespace BatchFactory.Operators;

/// <summary>
/// Who gave a model answer, in the entry's meta, where it outlasts the answer's field: <c>llm_model</c>, the
/// <c>model@provider</c> that answered (a fallback chain's member), and <c>llm_endpoint</c>, the pool server that did.
/// A later answer replaces both; an endpoint only a pool gives is removed.
/// </summary>
internal static class AnswerMeta
{
    /// <summary>The meta field naming the model that gave the answer: <c>llm_model</c>.</summary>
    public const string ModelKey = "llm_model";

    /// <summary>The meta field naming the pool server that gave the answer: <c>llm_endpoint</c>.</summary>
    public const string EndpointKey = "llm_endpoint";

    /// <summary>Puts in <paramref name="entry"/>'s meta which model and server gave <paramref name="answer"/>.</summary>
    public static void Set(Entry entry, JsonObject answer)
    {
        Set(entry, ModelKey, (string?)answer["model"]);
        Set(entry, EndpointKey, (string?)answer["endpoint"]);
    }

    private static void Set(Entry entry, string key, string? value)
    {
        if (value is not null)
        {
            entry.Meta[key] = value;
        }
        else if (entry.HasMeta)
        {
            entry.Meta.Remove(key);
        }
    }
}
