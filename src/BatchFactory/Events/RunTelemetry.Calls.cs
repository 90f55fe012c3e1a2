using System.Text.Json.Nodes;
using BatchFactory.Engine;
using BatchFactory.Logging;
using Microsoft.Extensions.Logging;

namespace BatchFactory.Events;

internal sealed partial class RunTelemetry
{
    /// <summary>
    /// Makes a request through <paramref name="call"/>, reporting its start and its answer; retries inside it are
    /// reported through <see cref="Retried"/>. Only used when <see cref="TracksCalls"/>.
    /// </summary>
    public async Task<JsonObject> CallAsync(OpContext context, string idx, ModelSpec model, object? request, Func<CancellationToken, Task<JsonObject>> call, CancellationToken cancellationToken)
    {
        var name = model.ToString();
        var op = context.Op.Name;
        CallScope.Current = new CallScope(context, idx, name);
        CallLog.Started(_callLog, context.Node, op, idx, name);
        if (_callLog.IsEnabled(LogLevel.Trace))
        {
            CallLog.Request(_callLog, context.Node, op, idx, name, request is JsonNode node ? node.ToJsonString() : request?.ToString() ?? "");
        }

        _pump?.Publish(new CallStarted(Elapsed, context.Node, op, idx, name));
        var started = _options.TimeProvider.GetTimestamp();
        var answer = await call(cancellationToken).ConfigureAwait(false);
        var duration = _options.TimeProvider.GetElapsedTime(started);
        long input = Brokers.BrokerCall.Tokens(answer, "input_tokens"), output = Brokers.BrokerCall.Tokens(answer, "output_tokens");
        CallLog.Finished(_callLog, context.Node, op, idx, name, (long)duration.TotalMilliseconds, input, output);
        if (_callLog.IsEnabled(LogLevel.Trace))
        {
            CallLog.Answer(_callLog, context.Node, op, idx, name, answer["text"]?.ToString() ?? $"({answer["dimensions"]} dimensions)");
        }

        if (_pump is not null)
        {
            var local = Brokers.RunClients.Of(context.Run).IsLocal(model);
            var cost = Brokers.BrokerCounters.CostOf(_options.Prices, model.Model, local, input, output);
            _pump.Publish(new CallFinished(Elapsed, context.Node, op, idx, name, input, output, cost, duration));
        }

        return answer;
    }

    /// <summary>A request was answered from the ledger or by an identical one in flight.</summary>
    public void Cached(OpContext context, string idx, ModelSpec model)
    {
        if (_pump is null && !_callLog.IsEnabled(LogLevel.Trace))
        {
            return;
        }

        var name = model.ToString();
        CallLog.Cached(_callLog, context.Node, context.Op.Name, idx, name);
        _pump?.Publish(new CallCached(Elapsed, context.Node, context.Op.Name, idx, name));
    }

    /// <summary>A request failed for good: kept for the summary, logged and published.</summary>
    public void Failed(OpContext context, string idx, ModelSpec model, Exception exception)
    {
        var name = model.ToString();
        var error = Secrets.Describe(exception);
        _failures.Add(new EntryFailure(context.Node, context.Op.Name, idx, error));
        CallLog.Failed(_callLog, context.Node, context.Op.Name, idx, name, error);
        _pump?.Publish(new CallFailed(Elapsed, context.Node, context.Op.Name, idx, name, error));
    }

    /// <summary>An attempt of the request in <see cref="CallScope.Current"/> failed and will be retried.</summary>
    public void Retried(RetryEvent retry)
    {
        if (CallScope.Current is not { } scope)
        {
            return;
        }

        var (context, idx, model) = (scope.Context, scope.Idx, scope.Model);
        CallLog.Retried(_callLog, context.Node, context.Op.Name, idx, model, retry.Reason, retry.Attempt, (long)retry.Delay.TotalMilliseconds);
        _pump?.Publish(new CallRetried(Elapsed, context.Node, context.Op.Name, idx, model, retry.Attempt, retry.Delay, retry.Reason, retry.StatusCode));
    }
}
