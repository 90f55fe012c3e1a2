namespace BatchFactory;

/// <summary>
/// How an op's model requests are answered when the ledger has no answer yet (<see cref="ModelCallOptions.Mode"/>). The
/// mode is not part of a request's key: an answer stored in one mode serves the other, so switching never pays twice.
/// </summary>
public enum CallMode
{
    /// <summary>Each request is sent to the model at once (the default).</summary>
    Live,

    /// <summary>
    /// Requests are collected into files and sent through the provider's batch API (OpenAI <c>/v1/files</c> +
    /// <c>/v1/batches</c>) at about half the price, answered within hours; entries wait at the op while the rest of the
    /// graph flows. See <see cref="BatchOptions"/>. A provider without a batch API answers live.
    /// </summary>
    Batch,

    /// <summary>
    /// Like <see cref="Batch"/>, but a request is sent live instead when fewer than <see cref="BatchOptions.LiveBelow"/>
    /// requests of the model are waiting to be batched when their file is sealed, or when
    /// <see cref="BatchOptions.Deadline"/> is already past.
    /// </summary>
    Auto,
}
