using System.Collections.Concurrent;

namespace BatchFactory.Testing.Internal;

/// <summary>Thread-safe counters and a bounded log of the most recent received requests.</summary>
internal sealed class RequestLog(TimeProvider timeProvider, int maxRecorded)
{
    private readonly ConcurrentQueue<ReceivedRequest> _recent = new();
    private long _total;
    private long _chat;
    private long _embeddings;
    private long _failed;
    private int _recentCount;

    public long Total => Interlocked.Read(ref _total);

    public long Chat => Interlocked.Read(ref _chat);

    public long Embeddings => Interlocked.Read(ref _embeddings);

    public long Failed => Interlocked.Read(ref _failed);

    public ReceivedRequest Record(RequestKind kind, string path, string model, string[] texts, string? jsonSchema = null, string? body = null)
    {
        long number = Interlocked.Increment(ref _total);
        Interlocked.Increment(ref kind == RequestKind.Chat ? ref _chat : ref _embeddings);
        var request = new ReceivedRequest(number, kind, path, model, texts, timeProvider.GetUtcNow()) { JsonSchema = jsonSchema, Body = body };
        if (maxRecorded > 0)
        {
            _recent.Enqueue(request);
            if (Interlocked.Increment(ref _recentCount) > maxRecorded && _recent.TryDequeue(out _))
            {
                Interlocked.Decrement(ref _recentCount);
            }
        }

        return request;
    }

    public void CountFailure() => Interlocked.Increment(ref _failed);

    public ReceivedRequest[] Snapshot()
    {
        ReceivedRequest[] requests = _recent.ToArray();
        Array.Sort(requests, static (a, b) => a.Number.CompareTo(b.Number));
        return requests;
    }

    public void Reset()
    {
        _recent.Clear();
        Interlocked.Exchange(ref _recentCount, 0);
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _chat, 0);
        Interlocked.Exchange(ref _embeddings, 0);
        Interlocked.Exchange(ref _failed, 0);
    }
}
