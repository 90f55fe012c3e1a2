using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers;

/// <summary>
/// A client the run uses but does not own (one registered with <see cref="ModelProviders.WithChatClient"/>): disposing
/// this wrapper at the end of the run leaves the client itself to whoever registered it.
/// </summary>
internal sealed class BorrowedChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    protected override void Dispose(bool disposing)
    {
        // The inner client belongs to its owner.
    }
}
