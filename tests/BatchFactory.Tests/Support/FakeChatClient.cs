using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Support;

/// <summary>
/// The one fake chat client of the tests: its answers are callbacks; it counts calls and calls in flight and keeps what
/// it was sent. By default it answers <c>answer to &lt;last user message&gt;</c> with 1,000 input and 2,000 output tokens.
/// </summary>
public sealed class FakeChatClient : IChatClient
{
    private int _calls;
    private int _inFlight;
    private int _maxInFlight;

    public FakeChatClient()
    {
        OnGetResponse = async (_, messages, _, cancellationToken) =>
        {
            var prompt = messages.Last(m => m.Role == ChatRole.User).Text;
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, await Answer(prompt, cancellationToken)))
            {
                Usage = new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 2000 },
                FinishReason = ChatFinishReason.Stop,
            };
        };
    }

    /// <summary>Makes the answer text from the last user message, for the default <see cref="OnGetResponse"/>; may throw or wait.</summary>
    public Func<string, CancellationToken, Task<string>> Answer { get; set; } = (prompt, _) => Task.FromResult("answer to " + prompt);

    /// <summary>Answers a call (the number of the call, from 1, comes first). Default: from <see cref="Answer"/>, with usage.</summary>
    public Func<int, IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>> OnGetResponse { get; set; }

    /// <summary>Streams a call (the number of the call, from 1, comes first). Default: one "ok" update.</summary>
    public Func<int, IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> OnGetStreamingResponse { get; set; } =
        (_, _, _, _) => Updates(new ChatResponseUpdate(ChatRole.Assistant, "ok"));

    public int Calls => Volatile.Read(ref _calls);

    public int InFlight => Volatile.Read(ref _inFlight);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Every request's messages as (role, text), in the order the requests arrived.</summary>
    public List<(string Role, string Text)[]> Received { get; } = [];

    /// <summary>Whether anyone disposed the client.</summary>
    public bool Disposed { get; private set; }

    /// <summary>A reply with <paramref name="text"/> and, when given, a total token count (no input/output split).</summary>
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
        var list = messages as IList<ChatMessage> ?? [.. messages];
        lock (Received)
        {
            Received.Add([.. list.Select(m => (m.Role.Value, m.Text))]);
        }

        Enter();
        try
        {
            return await OnGetResponse(call, list, options, cancellationToken);
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
