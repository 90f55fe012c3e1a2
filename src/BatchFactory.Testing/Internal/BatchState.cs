namespace BatchFactory.Testing.Internal;

/// <summary>One batch of the test server: its lines, estimated tokens, and where it is.</summary>
internal sealed class BatchState(string id, string inputFileId, string endpoint, string? deployment, DateTimeOffset created, int lines, long tokens)
{
    public string Id { get; } = id;

    public string InputFileId { get; } = inputFileId;

    public string Endpoint { get; } = endpoint;

    public string? Deployment { get; } = deployment;

    public DateTimeOffset Created { get; } = created;

    public int Lines { get; } = lines;

    public long Tokens { get; } = tokens;

    public string Status { get; set; } = "validating";

    public int Polls { get; set; }

    public string? OutputFileId { get; set; }

    public string? ErrorFileId { get; set; }

    public int Completed { get; set; }

    public int Failed { get; set; }

    /// <summary>Lines an expired or cancelled batch did not get to.</summary>
    public int Unanswered { get; set; }

    /// <summary>Whether this is an Anthropic message batch (its lines are <c>{custom_id, params}</c>).</summary>
    public bool IsMessageBatch => Endpoint == AnthropicBatchLine.Endpoint;

    /// <summary>The batch's <c>metadata</c> object as JSON text, or null.</summary>
    public string? Metadata { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    public bool IsDone => Status is "completed" or "expired" or "cancelled" or "failed";
}
