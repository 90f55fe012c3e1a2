namespace BatchFactory.Brokers;

/// <summary>An answer another worker stored, as its notification told it (small answers travel with their key).</summary>
/// <param name="Answer">The answer (JSON text), as stored in the claim.</param>
/// <param name="Ledger">The number of the ledger its record was written to with it, if any (<see cref="Ledgers.PostgresLedger.Id"/>).</param>
internal sealed record ToldAnswer(string Answer, int? Ledger);
