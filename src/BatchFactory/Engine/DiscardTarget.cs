using System.Threading.Tasks.Dataflow;

namespace BatchFactory.Engine;

/// <summary>
/// Where entries leaving an out-port with no wire go: they are discarded, and the loops and spawns they were inside
/// stop waiting for them. Like <see cref="DataflowBlock.NullTarget{T}"/> otherwise.
/// </summary>
internal sealed class DiscardTarget : ITargetBlock<Entry>
{
    public static DiscardTarget Instance { get; } = new();

    public Task Completion { get; } = new TaskCompletionSource().Task;

    public DataflowMessageStatus OfferMessage(DataflowMessageHeader messageHeader, Entry messageValue, ISourceBlock<Entry>? source, bool consumeToAccept)
    {
        if (consumeToAccept)
        {
            messageValue = source!.ConsumeMessage(messageHeader, this, out var consumed)!;
            if (!consumed)
            {
                return DataflowMessageStatus.NotAvailable;
            }
        }

        if (messageValue is not null)
        {
            OpContext.Consumed(messageValue);
        }

        return DataflowMessageStatus.Accepted;
    }

    public void Complete()
    {
    }

    public void Fault(Exception exception)
    {
    }
}
