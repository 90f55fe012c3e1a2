namespace BatchFactory;

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>Every entry left or was dropped.</summary>
    Completed,

    /// <summary>The run's cancellation token was cancelled.</summary>
    Cancelled,

    /// <summary>An op failed, or a ledger could not be written, and stopped the run.</summary>
    Faulted,
}
