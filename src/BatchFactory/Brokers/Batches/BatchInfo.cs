using System.Text.Json;

namespace BatchFactory.Brokers;

/// <summary>What a provider says about a batch (OpenAI's batch object).</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Status"><c>validating</c>, <c>failed</c>, <c>in_progress</c>, <c>finalizing</c>, <c>completed</c>, <c>expired</c>, <c>cancelling</c> or <c>cancelled</c>.</param>
/// <param name="OutputFileId">The file of answered lines, once there is one.</param>
/// <param name="ErrorFileId">The file of failed lines, once there is one.</param>
/// <param name="ErrorCode">Why validation failed (e.g. <c>token_limit_exceeded</c>), for a <c>failed</c> batch.</param>
/// <param name="ErrorMessage">The provider's words for it.</param>
/// <param name="Completed">Requests answered so far.</param>
/// <param name="Failed">Requests failed so far.</param>
internal sealed record BatchInfo(string Id, string Status, string? OutputFileId, string? ErrorFileId, string? ErrorCode, string? ErrorMessage, int Completed, int Failed)
{
    /// <summary>Whether the batch will change no more: its files (if any) can be read.</summary>
    public bool IsDone => Status is "completed" or "expired" or "cancelled" or "failed";

    /// <summary>Reads OpenAI's batch object.</summary>
    public static BatchInfo Parse(JsonElement batch)
    {
        string? code = null, message = null;
        if (batch.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            && errors.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0)
        {
            code = Text(data[0], "code");
            message = Text(data[0], "message");
        }

        int completed = 0, failed = 0;
        if (batch.TryGetProperty("request_counts", out var counts) && counts.ValueKind == JsonValueKind.Object)
        {
            completed = counts.TryGetProperty("completed", out var c) && c.TryGetInt32(out var ci) ? ci : 0;
            failed = counts.TryGetProperty("failed", out var f) && f.TryGetInt32(out var fi) ? fi : 0;
        }

        return new BatchInfo(
            Text(batch, "id") ?? throw new FormatException("The provider's batch object has no 'id'."),
            Text(batch, "status") ?? throw new FormatException("The provider's batch object has no 'status'."),
            Text(batch, "output_file_id"),
            Text(batch, "error_file_id"),
            code,
            message,
            completed,
            failed);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
