using System.Text.Json.Nodes;

namespace BatchFactory.Entries;

/// <summary>
/// How an entry that failed is marked when it goes on all the same: a model call that failed for good under
/// <c>OnCallFailure.Emit</c>, or an op that failed on it under <c>OnEntryError.Emit</c>. It gets <c>status: "failed"</c> and the error.
/// </summary>
internal static class FailureMark
{
    public const string StatusKey = "status";

    public const string ErrorKey = "error";

    public const string Failed = "failed";

    /// <summary>Marks the entry as failed with <paramref name="error"/>.</summary>
    public static void Mark(Entry entry, string error)
    {
        entry.Data[StatusKey] = Failed;
        entry.Data[ErrorKey] = error;
    }

    /// <summary>Whether the entry lacks <paramref name="key"/> because its call failed (it is marked failed).</summary>
    public static bool Lacks(Entry entry, string key) =>
        !entry.Has(key) && entry.Data[StatusKey] is JsonValue status && status.TryGetValue<string>(out var state) && state == Failed;
}
