using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// A request waiting for its batch, and the answer it gets. The waiter is itself the source of the task the broker
/// awaits (no async frame of its own per waiting request); the caller's token cancels that task, and the registration
/// is removed as soon as the waiter is answered or failed.
/// </summary>
internal sealed class BatchWaiter(ModelRequest request) : TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private CancellationTokenRegistration _cancel;

    public ModelRequest Request { get; } = request;

    /// <summary>The answer, cancelled when <paramref name="cancellationToken"/> is.</summary>
    public Task<JsonObject> Answer(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled && !Task.IsCompleted)
        {
            _cancel = cancellationToken.UnsafeRegister(static (state, token) => ((BatchWaiter)state!).Cancelled(token), this);
            if (Task.IsCompleted)
            {
                // Answered while registering: the registration may have been missed by Answered/Failed.
                _cancel.Unregister();
            }
        }

        return Task;
    }

    /// <summary>Gives the request its answer.</summary>
    /// <returns>Whether it took it: <see langword="false"/> when it had already failed or been cancelled.</returns>
    public bool Answered(JsonObject answer)
    {
        if (!TrySetResult(answer))
        {
            return false;
        }

        _cancel.Unregister();
        return true;
    }

    public void Failed(Exception error)
    {
        if (TrySetException(error))
        {
            _cancel.Unregister();
        }
    }

    private void Cancelled(CancellationToken token) => TrySetCanceled(token);
}
