namespace BatchFactory;

/// <summary>What an op that calls a model does with an entry whose request still fails after the broker's retries.</summary>
public enum OnCallFailure
{
    /// <summary>The entry stops here (counted as dropped and as failed); a later run tries it again. The default.</summary>
    Stay,

    /// <summary>Try the request again now, up to the op's extra attempts, then behave as <see cref="Stay"/>.</summary>
    Retry,

    /// <summary>The entry goes on with <c>status</c> set to <c>"failed"</c> and <c>error</c> set to the error message.</summary>
    Emit,

    /// <summary>Stop the whole run with an <see cref="OpException"/>.</summary>
    FailRun,
}
