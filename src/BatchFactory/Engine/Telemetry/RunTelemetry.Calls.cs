using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Logging;
using Microsoft.Extensions.Logging;

namespace BatchFactory.Engine.Telemetry;

/// <summary>The run's side of the model broker: each request it answers becomes call events and call logs.</summary>
internal sealed partial class RunTelemetry : ICallObserver
{
    /// <inheritdoc/>
    public void Started(CallSite site, string idx, ModelRequest request)
    {
        var name = request.Model.ToString();
        CallLog.Started(_callLog, site.Node, site.Op, idx, name);
        if (_callLog.IsEnabled(LogLevel.Trace))
        {
            CallLog.Request(_callLog, site.Node, site.Op, idx, name, request.Describe());
        }

        _pump?.Publish(new CallStarted(Elapsed, site.Node, site.Op, idx, name));
    }

    /// <inheritdoc/>
    public void Finished(CallSite site, string idx, ModelRequest request, JsonObject answer, TimeSpan duration, decimal? cost)
    {
        var name = request.Model.ToString();
        long input = ModelBroker.Tokens(answer, "input_tokens"), output = ModelBroker.Tokens(answer, "output_tokens");
        CallLog.Finished(_callLog, site.Node, site.Op, idx, name, (long)duration.TotalMilliseconds, input, output);
        if (_callLog.IsEnabled(LogLevel.Trace))
        {
            CallLog.Answer(_callLog, site.Node, site.Op, idx, name, answer["text"]?.ToString() ?? $"({answer["dimensions"]} dimensions)");
        }

        _pump?.Publish(new CallFinished(Elapsed, site.Node, site.Op, idx, name, input, output, cost, duration));
    }

    /// <inheritdoc/>
    public void Cached(CallSite site, string idx, ModelRequest request)
    {
        if (_pump is null && !_callLog.IsEnabled(LogLevel.Trace))
        {
            return;
        }

        var name = request.Model.ToString();
        CallLog.Cached(_callLog, site.Node, site.Op, idx, name);
        _pump?.Publish(new CallCached(Elapsed, site.Node, site.Op, idx, name));
    }

    /// <inheritdoc/>
    public void Failed(CallSite site, string idx, ModelRequest request, string error)
    {
        var name = request.Model.ToString();
        _failures.Add(new EntryFailure(site.Node, site.Op, idx, error));
        CallLog.Failed(_callLog, site.Node, site.Op, idx, name, error);
        _pump?.Publish(new CallFailed(Elapsed, site.Node, site.Op, idx, name, error));
    }

    /// <inheritdoc/>
    public void FellBack(CallSite site, string idx, ModelRequest member, string error) =>
        CallLog.FellBack(_callLog, site.Node, site.Op, idx, member.Model.ToString(), error);

    /// <inheritdoc/>
    public void Retried(CallSite site, string idx, ModelRequest request, RetryEvent retry)
    {
        var name = request.Model.ToString();
        CallLog.Retried(_callLog, site.Node, site.Op, idx, name, retry.Reason, retry.Attempt, (long)retry.Delay.TotalMilliseconds);
        _pump?.Publish(new CallRetried(Elapsed, site.Node, site.Op, idx, name, retry.Attempt, retry.Delay, retry.Reason, retry.StatusCode));
    }
}
