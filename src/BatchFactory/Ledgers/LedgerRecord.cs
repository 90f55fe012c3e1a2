using System.Text.Json.Nodes;

namespace BatchFactory;

/// <summary>One record of a ledger: a key and the JSON value last stored under it.</summary>
/// <param name="Key">The key the record was appended under.</param>
/// <param name="Value">The record; a fresh copy the caller owns.</param>
public sealed record LedgerRecord(string Key, JsonNode Value);
