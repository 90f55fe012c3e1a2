using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Engine;

namespace BatchFactory.Brokers;

/// <summary>
/// What CallLLM and EmbedText share: getting an answer through the run's <see cref="CallCache"/>, counting it, and
/// handling a request that fails after the broker's retries as the op's <see cref="OnCallFailure"/> says. A failure is
/// recorded in the ledger under <c>&lt;key&gt;#failed</c> with its error, so it is never lost, and never served as an answer.
/// </summary>
internal sealed class BrokerCall(OnCallFailure onFailure, int extraAttempts)
{
    /// <summary>
    /// The answer (<see langword="null"/> when the request failed), and whether the entry goes on: yes with an answer or
    /// with <see cref="OnCallFailure.Emit"/> (which marks the entry failed), no when it stays.
    /// </summary>
    /// <remarks>The last argument is what is asked (a request object, a text), for Trace logs only.</remarks>
    /// <exception cref="Exception">The request failed and the op fails the run.</exception>
    public async Task<(JsonObject? Answer, bool PassOn)> AnswerAsync(OpContext context, ILedger? ledger, string key, ModelSpec model, Func<CancellationToken, Task<JsonObject>> call, Entry entry, object? request)
    {
        var cache = context.Run.Service(() => new CallCache());
        var counters = context.Broker!;
        var telemetry = context.Run.Telemetry;
        var send = telemetry.TracksCalls ? ct => telemetry.CallAsync(context, entry.Idx, model, request, call, ct) : call;
        for (var attempt = 0; ; attempt++)
        {
            JsonObject answer;
            bool fresh;
            try
            {
                (answer, fresh) = await cache.GetAsync(key, ledger, send, ex => ex is ModelConfigurationException ? Task.CompletedTask : TryRecordFailureAsync(ledger, key, model, telemetry.Secrets.Describe(ex)), context.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Token.IsCancellationRequested && ex is not ModelConfigurationException)
            {
                if (onFailure == OnCallFailure.Retry && attempt < extraAttempts)
                {
                    continue;
                }

                counters.Failed();
                telemetry.Failed(context, entry.Idx, model, ex);
                switch (onFailure)
                {
                    case OnCallFailure.Emit:
                        Operators.FailedCall.Mark(entry, telemetry.Secrets.Redact(ex.Message));
                        return (null, true);
                    case OnCallFailure.FailRun:
                        throw;
                    default:
                        return (null, false);
                }
            }

            if (fresh)
            {
                var local = RunClients.Of(context.Run).IsLocal(model);
                counters.Called(model, local, Tokens(answer, "input_tokens"), Tokens(answer, "output_tokens"));
            }
            else
            {
                Served(context, model, entry);
            }

            answer["cached"] = !fresh;
            return (answer, true);
        }
    }

    /// <summary>
    /// The answer stored in the ledger for <paramref name="key"/>, counted as served from it and marked cached; or
    /// <see langword="null"/> when there is none (or no ledger), for the caller to make the call.
    /// </summary>
    public static async ValueTask<JsonObject?> StoredAsync(OpContext context, ILedger? ledger, string key, ModelSpec model, Entry entry)
    {
        if (ledger is null || await ledger.TryGetAsync(key, context.Token).ConfigureAwait(false) is not JsonObject stored)
        {
            return null;
        }

        Served(context, model, entry);
        stored["cached"] = true;
        return stored;
    }

    private static void Served(OpContext context, ModelSpec model, Entry entry)
    {
        context.Broker!.Served(model);
        context.Run.Telemetry.Cached(context, entry.Idx, model);
    }

    /// <summary>The token count <paramref name="name"/> of an answer's usage; 0 when absent.</summary>
    internal static long Tokens(JsonObject answer, string name) => answer["usage"]?[name]?.Deserialize<long>() ?? 0;

    // The model's error is what the caller must see: a ledger that cannot take the record (it is faulted, and its own
    // error reached whoever wrote first) must not replace it.
    private static async Task TryRecordFailureAsync(ILedger? ledger, string key, ModelSpec model, string error)
    {
        if (ledger is null)
        {
            return;
        }

        try
        {
            await RecordFailureAsync(ledger, key, model, error).ConfigureAwait(false);
        }
        catch (LedgerException)
        {
        }
    }

    private static async Task RecordFailureAsync(ILedger ledger, string key, ModelSpec model, string error)
    {
        var record = new JsonObject
        {
            ["model"] = model.ToString(),
            ["error"] = error,
            ["at"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        await ledger.AppendAsync(key + "#failed", record, CancellationToken.None).ConfigureAwait(false);
    }
}
