using System.Text.Json.Nodes;

namespace BatchFactory.Cli;

/// <summary>
/// A model request as a ledger record keeps it (see the README's "Why did this entry miss the cache?"): the op and entry
/// that asked it and when (<c>"asked": {"op", "idx", "at"}</c>), and what was asked (<c>"request"</c>), beside the answer
/// or, under <c>&lt;key&gt;#failed</c>, the failure.
/// </summary>
/// <param name="Key">The request's key (for a failure, without <c>#failed</c>).</param>
/// <param name="Op">The op that asked it.</param>
/// <param name="Idx">The entry it was asked for.</param>
/// <param name="At">When, ISO 8601 UTC (sorts as text).</param>
/// <param name="Failed">Whether the record is a failure rather than an answer.</param>
/// <param name="Request">What was asked.</param>
internal sealed record StoredRequest(string Key, string Op, string Idx, string At, bool Failed, JsonObject Request)
{
    private const string FailedSuffix = "#failed";

    /// <summary>Whether <paramref name="key"/> is a model request's (an answer's or a failure's), by its prefix.</summary>
    public static bool IsModelKey(string key) => key.StartsWith("chat-", StringComparison.Ordinal) || key.StartsWith("embed-", StringComparison.Ordinal);

    /// <summary>The stored request of <paramref name="record"/>; <see langword="null"/> when it is not a model request or was written without one.</summary>
    public static StoredRequest? Of(LedgerRecord record) =>
        IsModelKey(record.Key) && record.Value is JsonObject value && value["asked"] is JsonObject asked && value["request"] is JsonObject request
            ? new StoredRequest(
                BaseKey(record.Key),
                asked["op"]?.ToString() ?? "",
                asked["idx"]?.ToString() ?? "",
                asked["at"]?.ToString() ?? "",
                record.Key.EndsWith(FailedSuffix, StringComparison.Ordinal),
                request)
            : null;

    /// <summary><paramref name="key"/> without a <c>#failed</c> suffix.</summary>
    public static string BaseKey(string key) => key.EndsWith(FailedSuffix, StringComparison.Ordinal) ? key[..^FailedSuffix.Length] : key;
}
