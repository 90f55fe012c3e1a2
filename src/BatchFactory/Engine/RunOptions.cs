using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks.Dataflow;
using Microsoft.Extensions.Logging;

namespace BatchFactory;

/// <summary>
/// How a run is executed. Options are read and validated once, when <see cref="GraphRunExtensions.RunAsync(Graph, RunOptions?, CancellationToken)"/>
/// builds the run, before any entry moves.
/// </summary>
public sealed class RunOptions
{
    /// <summary>
    /// How many entries each per-entry op (MapField, Filter, Apply, …) works on at once.
    /// Default 1, which is fastest for cheap functions; raise it when your functions are slow or block.
    /// Must be at least 1. Output order is unaffected: order-sensitive ops order by source position.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;

    /// <summary>
    /// How many entries each op may hold in its queue before the op upstream waits (backpressure).
    /// Default 1024. Must be at least 1. Bounds the memory of a streaming run.
    /// </summary>
    public int BoundedCapacity { get; init; } = 1024;

    /// <summary>
    /// Whether a chain of per-entry ops wired one after another (MapField, Filter, SetField, Apply, …) runs in one
    /// Dataflow block, each entry going through the whole chain in one go. Default <see langword="true"/>: handing
    /// entries between blocks costs more than cheap ops do. Each op still counts and reports its own errors.
    /// Likewise a model call (CallLLM, EmbedText) runs the built-in ops beside it that are safe on several entries at
    /// once (GenerateLLMRequest from a template, ExtractResponseText, CleanupLLMData, RenameField, a ToList right after,
    /// …) in its own workers, so an answer from the ledger goes from request to output with no hand-off; your own
    /// functions (a prompt builder, MapField, Filter, Apply) are never run that way.
    /// Set <see langword="false"/> to give each op its own block, so that slow ops in a chain work on different
    /// entries at the same time even with <see cref="MaxDegreeOfParallelism"/> 1.
    /// </summary>
    public bool FuseEntryOps { get; init; } = true;

    /// <summary>Where <c>PrintEntry</c> and <c>PrintField</c> write when they were given no writer. Default <see cref="Console.Out"/>.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>
    /// The project folder whose ledgers the run's checkpoints (and, later, brokers) use, e.g.
    /// <c>ProjectFolder.Open("poems", "1.0.0")</c>. Default <see langword="null"/>: a graph with a <c>CheckPoint</c>
    /// named by a string then fails before it starts. The run does not dispose the project.
    /// </summary>
    public ProjectFolder? Project { get; init; }

    /// <summary>
    /// The providers that answer <c>model@provider</c> names in LLM and embedding ops. Default
    /// <see cref="ModelProviders.Default"/> (<c>openai</c> and <c>offline</c>). Each model is checked (provider known, API
    /// key set) when the run is built, before any request.
    /// </summary>
    public ModelProviders Models { get; init; } = ModelProviders.Default;

    /// <summary>How calls to every model are paced, retried and stopped by a circuit breaker, unless <see cref="BrokerFor"/> names the model. Default: retries, a breaker, no rate limits.</summary>
    public BrokerOptions Broker { get; init; } = new();

    /// <summary>
    /// Whether a run that went to its end with failures (<see cref="RunStatus.CompletedWithFailures"/>: model requests
    /// that failed after their retries, entry errors) throws a <see cref="RunFailuresException"/> carrying its summary and
    /// result, instead of returning. Default <see langword="false"/>: the run returns, and
    /// <see cref="RunSummary.Status"/> and <see cref="RunSummary.Failures"/> tell what failed. Runs that stop early throw
    /// either way.
    /// </summary>
    public bool ThrowOnFailures { get; init; }

    /// <summary>Pacing and retries for particular models, by <c>model@provider</c>, e.g. a requests-per-minute limit for one provider. Default none.</summary>
    public IReadOnlyDictionary<string, BrokerOptions>? BrokerFor { get; init; }

    /// <summary>
    /// How requests of ops in <see cref="CallMode.Batch"/> or <see cref="CallMode.Auto"/> are batched, submitted and
    /// collected, for every model without an entry in <see cref="BatchFor"/>. Default: a new <see cref="BatchOptions"/>.
    /// </summary>
    public BatchOptions Batch { get; init; } = new();

    /// <summary>Batching for particular models, by <c>model@provider</c>, e.g. a lower enqueued-token limit for one. Default none.</summary>
    public IReadOnlyDictionary<string, BatchOptions>? BatchFor { get; init; }

    /// <summary>
    /// What happens to an entry when an op that runs your code (MapField, Apply, Filter, a prompt builder) fails on it,
    /// for the ops without a policy of their own (<see cref="Op.OnError(OnEntryError)"/>). Default
    /// <see cref="OnEntryError.FailRun"/>: the run stops naming the op, the field and the idx.
    /// </summary>
    public OnEntryError OnEntryError { get; init; } = OnEntryError.FailRun;

    /// <summary>
    /// Asks the run to stop gracefully when cancelled: sources stop reading, calls in flight finish and are recorded,
    /// entries already inside go on as far as they can without a new model call (those that would need one stay for the
    /// next run), checkpoints save what left their bodies, and the run ends with <see cref="RunStatus.Stopped"/>. Cancel
    /// <c>RunAsync</c>'s own token to stop at once instead. <see cref="ConsoleStop"/> wires both to Ctrl+C. Default none.
    /// </summary>
    public CancellationToken StopToken { get; init; }

    /// <summary>
    /// Whether the OpenTelemetry span of each model request (<see cref="BatchFactoryTelemetry"/>) records the prompt
    /// (<c>gen_ai.input.messages</c>) and, for a request sent, the answer (<c>gen_ai.output.messages</c>), with the API
    /// keys of the run's providers removed. Prompts and answers may hold personal or confidential data: turn this on only
    /// where your traces may keep them. Nothing is recorded when nobody listens. Default <see langword="false"/>.
    /// </summary>
    public bool TraceContent { get; init; }

    /// <summary>Model prices used for the run's cost figures. Default <see cref="ModelPrices.Default"/>.</summary>
    public ModelPrices Prices { get; init; } = ModelPrices.Default;

    /// <summary>The clock used to time the run and to sample its progress for <see cref="Monitor"/>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Receives the run's events (start, per-op progress samples, each model call, end) for its observers, e.g. a console
    /// view (<c>ConsoleProgress.Create()</c> in BatchFactory.Console) or your own code; see <see cref="RunMonitor"/>.
    /// Default <see langword="null"/>: no events. Watching costs the run next to nothing: progress is sampled from the
    /// ops' counters, and events reach observers on a task of their own.
    /// </summary>
    public RunMonitor? Monitor { get; init; }

    /// <summary>
    /// Where the run logs: its start and end (category <c>BatchFactory.Run</c>, Information), each model call
    /// (<c>BatchFactory.Calls</c>: retries at Information, failures at Warning, calls made at Debug, answers from the
    /// ledger at Trace, prompts and answers at Trace only). API keys are removed from everything logged.
    /// Default <see langword="null"/>: nothing is logged, and nothing is printed.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// How the workers of a run divide its model calls when <see cref="Project"/> keeps its ledgers in PostgreSQL
    /// (<see cref="LedgerBackend.Postgres(string)"/>): run the same program on every machine against that project, and
    /// each request is sent by one worker while the others wait for its answer (see the README's "Many machines").
    /// Default: a 60-second lease, renewed every 20 seconds. A project on any other backend ignores it.
    /// </summary>
    public SharingOptions Sharing { get; init; } = new();

    /// <summary>
    /// The JSON contracts of your own types that entries hold (<c>FromList</c> items, <c>Set</c>/<c>Get&lt;T&gt;</c>,
    /// <c>MapField</c> arguments and results, <c>result.Values&lt;T&gt;()</c>), e.g. <c>MyJson.Default</c> of a
    /// <c>JsonSerializerContext</c> with <c>[JsonSerializable(typeof(Paper))]</c>. Asked before the library's own
    /// contracts (scalars, lists and dictionaries of them) and before reflection, which is used only where the app allows
    /// reflection-based serialisation: not in native AOT, trimmed or file-based apps (see the README's "Trimming and
    /// native AOT"). Given when the run starts and kept for the process, so entries read after the run convert the same
    /// way. Default <see langword="null"/>: the library's contracts, then reflection.
    /// </summary>
    public IJsonTypeInfoResolver? JsonTypeInfoResolver { get; init; }

    /// <summary>Test hook: receives every Dataflow block of the run once it is built.</summary>
    internal Action<IReadOnlyList<IDataflowBlock>>? OnMaterialized { get; init; }

    internal void Validate()
    {
        if (MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "RunOptions.MaxDegreeOfParallelism must be at least 1.");
        }

        if (BoundedCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BoundedCapacity), BoundedCapacity, "RunOptions.BoundedCapacity must be at least 1.");
        }

        if (!Enum.IsDefined(OnEntryError))
        {
            throw new ArgumentOutOfRangeException(nameof(OnEntryError), OnEntryError, $"RunOptions.OnEntryError is not an {nameof(BatchFactory.OnEntryError)} value.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(Models, nameof(Models));
        ArgumentNullException.ThrowIfNull(Prices, nameof(Prices));
        ArgumentNullException.ThrowIfNull(Broker, nameof(Broker));
        ArgumentNullException.ThrowIfNull(Batch, nameof(Batch));
        Batch.Validate("RunOptions.Batch");
        foreach (var (model, batch) in BatchFor ?? new Dictionary<string, BatchOptions>())
        {
            ArgumentNullException.ThrowIfNull(batch, $"BatchFor[\"{model}\"]");
            batch.Validate($"RunOptions.BatchFor[\"{model}\"]");
        }
        Monitor?.Validate();
        ArgumentNullException.ThrowIfNull(Sharing, nameof(Sharing));
        Sharing.Validated();
    }
}
