namespace BatchFactory.Brokers;

/// <summary>
/// Where requests come from: one op of a run, as events and logs name it, with the ledger its answers are kept in and
/// the counts it reports. The broker knows no graphs: to it an op is a node number and a name.
/// </summary>
/// <param name="Node">The op's node index, as <c>Graph.ToString()</c> shows it.</param>
/// <param name="Op">The op's name.</param>
/// <param name="Ledger">Where answers are kept across runs; <see langword="null"/> to share them only within the run.</param>
/// <param name="Counters">The op's call counts.</param>
internal sealed record CallSite(int Node, string Op, ILedger? Ledger, BrokerCounters Counters);
