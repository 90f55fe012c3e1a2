using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Support;

/// <summary>A chat client whose answers come from a callback; counts the calls it receives.</summary>
public sealed class FakeChatClient : IChatClient
{
    private int _calls;

    /// <summary>Makes the answer text from the last user message; may throw or wait.</summary>
    public Func<string, CancellationToken, Task<string>> Answer { get; set; } = (prompt, _) => Task.FromResult("answer to " + prompt);

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Every request's messages as (role, text), in the order the requests arrived.</summary>
    public List<(string Role, string Text)[]> Received { get; } = [];

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        lock (Received)
        {
            Received.Add([.. messages.Select(m => (m.Role.Value, m.Text))]);
        }

        var prompt = messages.Last(m => m.Role == ChatRole.User).Text;
        var text = await Answer(prompt, cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            Usage = new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 2000 },
            FinishReason = ChatFinishReason.Stop,
        };
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    /// <summary>Whether anyone disposed the client.</summary>
    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}
