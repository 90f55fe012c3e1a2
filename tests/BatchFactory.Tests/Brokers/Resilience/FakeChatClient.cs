using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>A chat client whose answers are callbacks; counts calls and calls in flight.</summary>
internal sealed class FakeChatClient : IChatClient
{
    private int _calls;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>Answers a call (the number of the call, from 1, comes first). Default: "ok" with no usage.</summary>
    public Func<int, IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>> OnGetResponse { get; set; } =
        (_, _, _, _) => Task.FromResult(Reply());

    /// <summary>Streams a call (the number of the call, from 1, comes first). Default: one "ok" update.</summary>
    public Func<int, IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> OnGetStreamingResponse { get; set; } =
        (_, _, _, _) => Updates(new ChatResponseUpdate(ChatRole.Assistant, "ok"));

    public int Calls => Volatile.Read(ref _calls);

    public int InFlight => Volatile.Read(ref _inFlight);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public bool Disposed { get; private set; }

    public static ChatResponse Reply(string text = "ok", long? totalTokens = null) =>
        new(new ChatMessage(ChatRole.Assistant, text)) { Usage = totalTokens is null ? null : new UsageDetails { TotalTokenCount = totalTokens } };

    public static async IAsyncEnumerable<ChatResponseUpdate> Updates(params ChatResponseUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        Enter();
        try
        {
            return await OnGetResponse(call, messages, options, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        Enter();
        try
        {
            await foreach (var update in OnGetStreamingResponse(call, messages, options, cancellationToken).WithCancellation(cancellationToken))
            {
                yield return update;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() => Disposed = true;

    private void Enter()
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }
    }
}
