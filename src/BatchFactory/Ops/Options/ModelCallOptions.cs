namespace BatchFactory;

/// <summary>
/// The settings every op that calls a model shares (<see cref="AskOptions"/>, <see cref="EmbedOptions"/>,
/// <see cref="CallOptions"/>, <see cref="CharacterOptions"/>): how many requests are in flight and what happens to an
/// entry whose request fails. Checked when the op is built: a bad value throws an <see cref="ArgumentException"/> naming it.
/// </summary>
public abstract record ModelCallOptions
{
    private protected ModelCallOptions()
    {
    }

    /// <summary>How many requests the op has in flight at once; at least 1. Default 64.</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>What to do with an entry whose request fails after the broker's retries. Default <see cref="OnCallFailure.Stay"/>.</summary>
    public OnCallFailure OnFailure { get; init; } = OnCallFailure.Stay;

    /// <summary>With <see cref="OnCallFailure.Retry"/>: how many more times the op tries a failed request; 0 or more. Default 2.</summary>
    public int ExtraAttempts { get; init; } = 2;

    /// <summary>
    /// How requests the ledger cannot answer are sent: <see cref="CallMode.Live"/> (the default), through the provider's
    /// batch API at about half the price (<see cref="CallMode.Batch"/>, set up by <see cref="RunOptions.Batch"/>), or
    /// <see cref="CallMode.Auto"/>. Not part of the request's key: answers stored in either mode serve both. In batch
    /// and auto mode <see cref="Concurrency"/> does not bound the requests waiting for a batch: up to 100,000 entries
    /// wait at the op at once.
    /// </summary>
    public CallMode Mode { get; init; } = CallMode.Live;

    /// <summary>Checks the settings for the op <paramref name="op"/>; derived options check their own after these.</summary>
    /// <param name="op">The factory method, named in the message, e.g. <c>AskLLM</c>.</param>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it and says what is allowed.</exception>
    internal virtual void Validate(string op)
    {
        var type = GetType().Name;
        if (Concurrency < 1)
        {
            throw new ArgumentException($"{op}: {type}.Concurrency must be at least 1 (it is {Concurrency}).", "options");
        }

        if (ExtraAttempts < 0)
        {
            throw new ArgumentException($"{op}: {type}.ExtraAttempts must be 0 or more (it is {ExtraAttempts}).", "options");
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"{op}: {type}.Mode is {(int)Mode}, which is not a {nameof(CallMode)} value.", "options");
        }

        if (!Enum.IsDefined(OnFailure))
        {
            throw new ArgumentException($"{op}: {type}.OnFailure is {(int)OnFailure}, which is not an {nameof(OnCallFailure)} value.", "options");
        }
    }
}
