using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace BatchFactory.Tests.Support;

/// <summary>
/// A user-written backend that is not file-based: ledgers live in this object's memory, told apart by project, version
/// and name (the folder is ignored), and outlive the ledger objects, so a project opened again finds what was written.
/// </summary>
public sealed class MemoryLedgerBackend() : LedgerBackend("memory")
{
    private readonly Dictionary<(string, string, string), Store> _stores = [];

    /// <summary>How many times a ledger was opened.</summary>
    public int Opens { get; private set; }

    public override ValueTask<ILedger> OpenAsync(LedgerLocation location, LedgerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        var where = $"memory:{location.Project}/{location.Version}/{location.Name}";
        lock (_stores)
        {
            Opens++;
            var store = _stores.TryGetValue((location.Project, location.Version, location.Name), out var found) ? found : new Store();
            _stores[(location.Project, location.Version, location.Name)] = store;
            if (store.IsOpen)
            {
                throw new LedgerException(where, $"The ledger '{where}' is already open; dispose it first.");
            }

            store.IsOpen = true;
            return ValueTask.FromResult<ILedger>(new MemoryLedger(where, store));
        }
    }

    private sealed class Store
    {
        public Dictionary<string, (long Seq, string Json)> Records { get; } = new(StringComparer.Ordinal);

        public long Seq { get; set; }

        public bool IsOpen { get; set; }
    }

    private sealed class MemoryLedger(string location, Store store) : ILedger
    {
        private bool _disposed;

        public string Location => location;

        public long Count
        {
            get
            {
                lock (store)
                {
                    return store.Records.Count;
                }
            }
        }

        public ValueTask AppendAsync(string key, JsonNode record, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var json = record?.ToJsonString() ?? "null";
            lock (store)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                store.Records[key] = (++store.Seq, json);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonNode?> TryGetAsync(string key, CancellationToken cancellationToken = default)
        {
            lock (store)
            {
                return ValueTask.FromResult(store.Records.TryGetValue(key, out var found) ? JsonNode.Parse(found.Json) : null);
            }
        }

        public async ValueTask<IReadOnlyList<JsonNode?>> TryGetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            var found = new List<JsonNode?>(keys.Count);
            foreach (var key in keys)
            {
                found.Add(await TryGetAsync(key, cancellationToken));
            }

            return found;
        }

        public async IAsyncEnumerable<LedgerRecord> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            List<KeyValuePair<string, (long Seq, string Json)>> records;
            lock (store)
            {
                records = [.. store.Records.OrderBy(r => r.Value.Seq)];
            }

            foreach (var (key, value) in records)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new LedgerRecord(key, JsonNode.Parse(value.Json)!);
            }

            await Task.CompletedTask;
        }

        public ValueTask CompactAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync()
        {
            lock (store)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    store.IsOpen = false;
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
