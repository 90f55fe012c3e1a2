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
/// <param name="Submission">The submission id the batch was created with (its <c>metadata</c>), when the provider keeps one.</param>
/// <param name="Created">When the provider created the batch, if it says.</param>
internal sealed record BatchInfo(string Id, string Status, string? OutputFileId, string? ErrorFileId, string? ErrorCode, string? ErrorMessage, int Completed, int Failed, string? Submission = null, DateTimeOffset? Created = null)
{
    /// <summary>The <c>metadata</c> key a batch's submission id is sent under (OpenAI and Azure OpenAI keep metadata).</summary>
    public const string SubmissionKey = "batchfactory_submission";

    /// <summary>How far before a submission was recorded the provider's clock may date its batch (clocks differ).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);

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

        var submission = batch.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object ? Text(metadata, SubmissionKey) : null;
        DateTimeOffset? created = batch.TryGetProperty("created_at", out var at) && at.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        return new BatchInfo(
            Text(batch, "id") ?? throw new FormatException("The provider's batch object has no 'id'."),
            Text(batch, "status") ?? throw new FormatException("The provider's batch object has no 'status'."),
            Text(batch, "output_file_id"),
            Text(batch, "error_file_id"),
            code,
            message,
            completed,
            failed,
            submission,
            created);
    }

    /// <summary>
    /// Looks through a page of OpenAI's batch list (newest first) for the batch of <paramref name="submission"/>:
    /// found, or whether the page reached batches older than <paramref name="since"/> (less <see cref="ClockSkew"/>),
    /// which cannot be it, so there is no need to read further.
    /// </summary>
    public static (BatchInfo? Found, bool Done) Find(JsonElement page, string submission, DateTimeOffset since)
    {
        if (page.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in data.EnumerateArray())
            {
                var batch = Parse(item);
                if (batch.Submission == submission)
                {
                    return (batch, true);
                }

                if (batch.Created < since - ClockSkew)
                {
                    return (null, true);
                }
            }
        }

        return (null, !(page.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True));
    }

    /// <summary>The id of the last batch of a list page, to ask for the next page after it.</summary>
    public static string? LastId(JsonElement page) =>
        page.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0 ? Text(data[data.GetArrayLength() - 1], "id") : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
