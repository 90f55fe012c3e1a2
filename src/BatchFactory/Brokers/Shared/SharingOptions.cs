namespace BatchFactory;

/// <summary>
/// How the workers of a run on a PostgreSQL project (<see cref="LedgerBackend.Postgres(string)"/>) divide the model
/// calls: before a worker sends a request it claims it for a lease; the others wait for its answer instead of sending
/// the request again. Set it with <see cref="RunOptions.Sharing"/>; a run on any other backend ignores it.
/// </summary>
public sealed class SharingOptions
{
    /// <summary>
    /// How long a claim holds without a heartbeat: a worker that dies (even <c>kill -9</c>) leaves its requests to the
    /// others after this long. Measured on the database server's clock. Default 60 seconds.
    /// </summary>
    /// <remarks>
    /// A short lease (a few seconds) takes over a dead worker's requests sooner, but a live worker whose heartbeat is late
    /// by more than the lease (a loaded machine, a long garbage collection, a slow database) loses its claims too: another
    /// worker then sends the same requests again. Each request is still stored once (the fencing token refuses the late
    /// worker's answer, and it takes the other's), so this costs calls, never a second answer. Keep the lease well above
    /// the pauses your machines may have; the default leaves 40 seconds of slack over the heartbeat.
    /// </remarks>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often a worker renews the leases of the calls it has under way. Default 20 seconds (a third of the default
    /// <see cref="Lease"/>). <see langword="null"/>: never (only for tests of a stalled worker).
    /// </summary>
    public TimeSpan? Heartbeat { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How often a worker waiting for another's answer looks again when no notification came (answers are announced
    /// with PostgreSQL's <c>LISTEN</c>/<c>NOTIFY</c>; this is the fallback). Default 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>What this worker is called in the claims table. Default: the machine name, the process id and a random suffix.</summary>
    public string WorkerName { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Test hook: the window of the shared per-minute limits, a minute unless a test makes it shorter.</summary>
    internal TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks the options, naming the one that is wrong.</summary>
    /// <exception cref="ArgumentException">A time is not positive, the heartbeat is not shorter than the lease, or the worker name is empty.</exception>
    internal SharingOptions Validated()
    {
        if (Lease <= TimeSpan.Zero || PollInterval <= TimeSpan.Zero || Heartbeat <= TimeSpan.Zero)
        {
            throw new ArgumentException("RunOptions.Sharing: Lease, Heartbeat and PollInterval must be positive.", "options");
        }

        if (Heartbeat >= Lease)
        {
            throw new ArgumentException($"RunOptions.Sharing: Heartbeat ({Heartbeat}) must be shorter than Lease ({Lease}), or leases run out while calls are under way.", "options");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(WorkerName, "options");
        return this;
    }
}
