namespace BatchFactory;

/// <summary>Where one op stands at a <see cref="RunProgress"/> sample.</summary>
/// <param name="Stats">Its counts so far: entries in, out and dropped, and for ops that call a model, calls, tokens and cost.</param>
/// <param name="EntriesPerSecond">Entries in per second over the last few seconds (0 before there are two samples).</param>
/// <param name="CallsPerSecond">Calls made per second over the last few seconds; 0 for ops that call no model.</param>
/// <param name="ExpectedIn">
/// How many entries the op is expected to take in all, estimated from the sources' sizes and the ratio of out to in of
/// the ops upstream so far; <see langword="null"/> when a source upstream does not know its size.
/// </param>
/// <param name="Eta">
/// The estimated time until the op is done, <see langword="null"/> when unknown. For an op that calls a model: until
/// it has had a request answered (made, served from the ledger, or failed for good) for each of its
/// <paramref name="ExpectedIn"/> entries, at the rate it has had them answered over the last few seconds. For any
/// other op: until it has taken <paramref name="ExpectedIn"/> entries in at its current rate.
/// </param>
public sealed record OpProgress(OpStats Stats, double EntriesPerSecond, double CallsPerSecond, long? ExpectedIn, TimeSpan? Eta);
