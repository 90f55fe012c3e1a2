using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Engine;
using BatchFactory.Entries;

namespace BatchFactory.Operators;

/// <summary>
/// What CallLLM and EmbedText share: their <see cref="CallSite"/> for the run's <see cref="ModelBroker"/>, and what
/// happens to a request that still fails after the broker's retries, as the op's <see cref="OnCallFailure"/> says: retry
/// it now (up to <c>extraAttempts</c> more times), pass the entry on marked failed (<see cref="FailureMark"/>), leave it
/// for a later run, or fail the run. The broker has recorded the failure in the ledger either way. A
/// <see cref="ProviderUnavailableException"/> (the model's circuit breaker is open) always stops the run.
/// </summary>
internal sealed class ModelCall(OnCallFailure onFailure, int extraAttempts)
{
    /// <summary>
    /// The op's concurrency in a run: <paramref name="concurrency"/> live; when requests wait for batches,
    /// <see cref="BatchOptions.MaxWaitingPerOp"/> of <see cref="RunOptions.Batch"/>, so memory is bounded.
    /// </summary>
    public static int Concurrency(int concurrency, CallMode mode, RunOptions options) => mode == CallMode.Live ? concurrency : options.Batch.MaxWaitingPerOp;

    /// <summary>The op has taken in all its entries: batch files waiting for more requests are submitted now.</summary>
    public static void InputsDone(OpContext context, CallMode mode)
    {
        if (mode != CallMode.Live)
        {
            context.Run.FlushBatches();
        }
    }

    /// <summary>The op's site for this run: its node and name, the ledger it keeps answers in, its counts.</summary>
    public static CallSite Site(OpContext context) => (CallSite)context.Prepared!;

    /// <summary>
    /// Checks <paramref name="model"/> before the run (provider registered, key set, on the provider's model list);
    /// call from the op's <c>PrepareAsync</c>.
    /// </summary>
    /// <exception cref="ModelConfigurationException">The model cannot be called; the message names the op.</exception>
    public static async ValueTask CheckModelAsync(OpContext context, ModelSpec model)
    {
        try
        {
            await context.Run.Catalog.CheckAsync(context.Run.Options.Models, model, context.Token).ConfigureAwait(false);
        }
        catch (ModelConfigurationException ex)
        {
            throw new ModelConfigurationException($"Op '{context.Name}' (node [{context.Node}]): {ex.Message}", ex);
        }
    }

    /// <summary>Opens the op's ledger and makes its counts; call from the op's <c>PrepareAsync</c>.</summary>
    public static async ValueTask PrepareAsync(OpContext context, string ledgerName)
    {
        var counters = new BrokerCounters();
        context.Broker = counters;
        var ledger = context.Run.Options.Project is { } project ? await project.OpenLedgerAsync(ledgerName, context.Token).ConfigureAwait(false) : null;
        context.Prepared = new CallSite(context.Node, context.Name, ledger, counters);
    }

    /// <summary>The stored answer to <paramref name="request"/>, counted as served; <see langword="null"/> when there is none.</summary>
    public static ValueTask<JsonObject?> StoredAsync(OpContext context, Entry entry, ModelRequest request) =>
        context.Run.Broker.TryStoredAsync(Site(context), entry.Idx, request, context.Token);

    /// <summary>
    /// For an op not in <see cref="CallMode.Live"/>: places <paramref name="request"/> in its batch before
    /// <see cref="AnswerAsync"/> (see <see cref="ModelBroker.ParkAsync"/>), so the entry waits for it without the call's
    /// frames; <see langword="null"/> when it goes the usual way.
    /// </summary>
    public static ValueTask<Task?> ParkAsync(OpContext context, CallMode mode, Entry entry, ModelRequest request) =>
        mode == CallMode.Live ? new((Task?)null) : context.Run.Broker.ParkAsync(Site(context), entry.Idx, request, context.Token);

    /// <summary>
    /// The answer (<see langword="null"/> when the request failed), and whether the entry goes on: yes with an answer or
    /// with <see cref="OnCallFailure.Emit"/> (which marks the entry failed), no when it stays.
    /// </summary>
    /// <exception cref="ProviderUnavailableException">The model's provider is unavailable: the run stops, whatever the policy.</exception>
    /// <exception cref="Exception">The request failed and the op fails the run.</exception>
    public async Task<(JsonObject? Answer, bool PassOn)> AnswerAsync(OpContext context, Entry entry, ModelRequest request)
    {
        var broker = context.Run.Broker;
        var site = Site(context);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await broker.AnswerAsync(site, entry.Idx, request, context.Token).ConfigureAwait(false), true);
            }
            catch (BatchPendingException) when (!context.Token.IsCancellationRequested)
            {
                // The run does not wait for its batches: the entry stays for the run that collects them.
                OpContext.Stays(entry);
                return (null, false);
            }
            catch (ProviderUnavailableException ex) when (!context.Token.IsCancellationRequested)
            {
                // The provider is unavailable: the run stops whatever the op's policy; a call that failed on its own
                // (rather than being refused by the open breaker) is counted and listed first.
                if (!ex.Refused)
                {
                    broker.GaveUp(site, entry.Idx, request, ex.InnerException ?? ex);
                }

                throw;
            }
            catch (Exception ex) when (!context.Token.IsCancellationRequested && ex is not ModelConfigurationException)
            {
                if (onFailure == OnCallFailure.Retry && attempt < extraAttempts)
                {
                    continue;
                }

                var error = broker.GaveUp(site, entry.Idx, request, ex);
                switch (onFailure)
                {
                    case OnCallFailure.Emit:
                        FailureMark.Mark(entry, error);
                        return (null, true);
                    case OnCallFailure.FailRun:
                        throw;
                    default:
                        OpContext.Stays(entry);
                        return (null, false);
                }
            }
        }
    }
}
