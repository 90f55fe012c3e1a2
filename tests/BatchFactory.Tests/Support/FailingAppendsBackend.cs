using System.Text.Json.Nodes;

namespace BatchFactory.Tests.Support;

/// <summary>
/// A backend whose ledgers are <c>inner</c>'s, except that an append <c>fails</c> picks (by key and record) throws a
/// <see cref="LedgerException"/>, as a full disk or a lost database would, and is not written.
/// </summary>
public sealed class FailingAppendsBackend(LedgerBackend inner, Func<string, JsonNode, bool> fails) : LedgerBackend("failing " + inner.Name)
{
    public override async ValueTask<ILedger> OpenAsync(LedgerLocation location, LedgerOptions options, CancellationToken cancellationToken = default) =>
        new Ledger(await inner.OpenAsync(location, options, cancellationToken), fails);

    private sealed class Ledger(ILedger ledger, Func<string, JsonNode, bool> fails) : ILedger
    {
        public string Location => ledger.Location;

        public long Count => ledger.Count;

        public ValueTask AppendAsync(string key, JsonNode record, CancellationToken cancellationToken = default) =>
            fails(key, record) ? throw new LedgerException(Location, $"Cannot append to {Location}: the disk is full.") : ledger.AppendAsync(key, record, cancellationToken);

        public ValueTask<JsonNode?> TryGetAsync(string key, CancellationToken cancellationToken = default) => ledger.TryGetAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<JsonNode?>> TryGetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => ledger.TryGetManyAsync(keys, cancellationToken);

        public IAsyncEnumerable<LedgerRecord> EnumerateAsync(CancellationToken cancellationToken = default) => ledger.EnumerateAsync(cancellationToken);

        public ValueTask CompactAsync(CancellationToken cancellationToken = default) => ledger.CompactAsync(cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ledger.FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => ledger.DisposeAsync();
    }
}
