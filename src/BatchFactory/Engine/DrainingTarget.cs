using System.Threading.Tasks.Dataflow;

namespace BatchFactory.Engine;

/// <summary>
/// Wraps a block that must finish what it already holds even when the run stops (a checkpoint saving finished work):
/// a fault from upstream completes it instead, so it drains its queue, and the run's first failure is still the one
/// reported. The wrapped block should not be given the run's cancellation token.
/// </summary>
internal sealed class DrainingTarget<T>(ITargetBlock<T> inner) : ITargetBlock<T>
{
    public Task Completion => inner.Completion;

    public DataflowMessageStatus OfferMessage(DataflowMessageHeader messageHeader, T messageValue, ISourceBlock<T>? source, bool consumeToAccept) =>
        inner.OfferMessage(messageHeader, messageValue, source, consumeToAccept);

    public void Complete() => inner.Complete();

    public void Fault(Exception exception) => inner.Complete();
}
