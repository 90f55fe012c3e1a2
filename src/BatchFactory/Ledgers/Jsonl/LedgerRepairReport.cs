namespace BatchFactory;

/// <summary>What <see cref="JsonlLedger.RepairAsync"/> did to a ledger file.</summary>
/// <param name="Path">The repaired file.</param>
/// <param name="KeptRecords">How many records were kept (every readable line, superseded ones included).</param>
/// <param name="RemovedLines">The 1-based numbers of the lines that could not be read and were set aside.</param>
/// <param name="BackupPath">The copy of the file as it was before the repair; <see langword="null"/> when nothing needed repairing.</param>
public sealed record LedgerRepairReport(string Path, long KeptRecords, IReadOnlyList<long> RemovedLines, string? BackupPath);
