using Microsoft.Extensions.Logging;

namespace BatchFactory.Logging;

/// <summary>What ops that call models log about each request (category <c>BatchFactory.Calls</c>). Contents only at Trace.</summary>
internal static partial class CallLog
{
    public const string Category = "BatchFactory.Calls";

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "[{Node}] {Op} entry '{Idx}': calling {Model}.")]
    public static partial void Started(ILogger logger, int node, string op, string idx, string model);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug,
        Message = "[{Node}] {Op} entry '{Idx}': {Model} answered in {Milliseconds} ms, {InputTokens} tokens in, {OutputTokens} out.")]
    public static partial void Finished(ILogger logger, int node, string op, string idx, string model, long milliseconds, long inputTokens, long outputTokens);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Trace, Message = "[{Node}] {Op} entry '{Idx}': {Model} answer served from the ledger.")]
    public static partial void Cached(ILogger logger, int node, string op, string idx, string model);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information,
        Message = "[{Node}] {Op} entry '{Idx}': {Model} failed ({Reason}); retry {Attempt} in {DelayMilliseconds} ms.")]
    public static partial void Retried(ILogger logger, int node, string op, string idx, string model, string reason, int attempt, long delayMilliseconds);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "[{Node}] {Op} entry '{Idx}': {Model} request failed: {Error}")]
    public static partial void Failed(ILogger logger, int node, string op, string idx, string model, string error);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "[{Node}] {Op} entry '{Idx}': {Model} could not answer ({Error}); falling back to the chain's next model.")]
    public static partial void FellBack(ILogger logger, int node, string op, string idx, string model, string error);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Trace, Message = "[{Node}] {Op} entry '{Idx}': request to {Model}: {Request}")]
    public static partial void Request(ILogger logger, int node, string op, string idx, string model, string request);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Trace, Message = "[{Node}] {Op} entry '{Idx}': answer from {Model}: {Answer}")]
    public static partial void Answer(ILogger logger, int node, string op, string idx, string model, string answer);
}
