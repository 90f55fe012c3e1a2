namespace BatchFactory.Brokers;

/// <summary>What a worker found when it tried to claim a request: the answer, a claim of its own, or another worker's.</summary>
/// <param name="Answer">The stored answer (JSON text), when the request was answered already.</param>
/// <param name="Token">The fencing token of this worker's claim, when it got the claim.</param>
/// <param name="HeldFor">How long another worker's lease still runs (on the database's clock), when another worker holds it.</param>
/// <param name="InLedger">With an answer: whether the ledger the caller named holds a record under the key (the worker that answered wrote it with the answer), so the caller need not append it.</param>
/// <param name="Recorded">
/// Whether <paramref name="Answer"/> is the record the ledger the caller named holds under the key (an answer stored
/// without a claim: an earlier run's, a batch's), rather than a claim's answer: the request was not claimed.
/// </param>
internal readonly record struct Claim(string? Answer, long? Token, TimeSpan HeldFor, bool InLedger = false, bool Recorded = false);
