using System.Text.Json.Nodes;

namespace BatchFactory.Operators;

/// <summary>How an entry whose model call failed is marked when it goes on (<see cref="OnCallFailure.Emit"/>).</summary>
internal static class FailedCall
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
