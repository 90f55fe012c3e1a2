using Microsoft.Extensions.Logging;

namespace BatchFactory.Logging;

/// <summary>What the engine logs about a run as a whole (category <c>BatchFactory.Run</c>).</summary>
internal static partial class RunLog
{
    public const string Category = "BatchFactory.Run";

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Run started: {OpCount} ops, project {Project}.")]
    public static partial void Started(ILogger logger, int opCount, string project);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Run finished in {Seconds} s: {Calls} calls made, {Cached} served from the ledger, {Failed} failed; {InputTokens} tokens in, {OutputTokens} out; cost ${Cost}.")]
    public static partial void Completed(ILogger logger, double seconds, long calls, long cached, long failed, long inputTokens, long outputTokens, decimal cost);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Run cancelled after {Seconds} s; {Calls} calls had been made.")]
    public static partial void Cancelled(ILogger logger, double seconds, long calls);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Run failed after {Seconds} s: {Error}")]
    public static partial void Faulted(ILogger logger, double seconds, string error);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Run summary written to {Path}.")]
    public static partial void SummaryWritten(ILogger logger, string path);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Could not write the run summary to {Path}: {Error}. The run's results are unaffected.")]
    public static partial void SummaryNotWritten(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning,
        Message = "A run event subscriber ({Subscriber}) threw {Error}; it no longer gets events. The run and other subscribers go on.")]
    public static partial void SubscriberFailed(ILogger logger, string subscriber, string error);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Progress sampling stopped: {Error}. The run goes on; its final sample and summary are unaffected.")]
    public static partial void SamplingFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning,
        Message = "{Count} run events were dropped because subscribers fell behind; progress samples and the end of the run are never dropped.")]
    public static partial void EventsDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Op '{Op}' (node [{Node}]) failed on entry '{Idx}' and {Outcome} it: {Error}")]
    public static partial void EntryFailed(ILogger logger, string op, int node, string idx, string outcome, string error);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Entry '{Idx}' stops at op '{Op}' (node [{Node}]) in this run: {Why}")]
    public static partial void EntryWaits(ILogger logger, string op, int node, string idx, string why);
}
