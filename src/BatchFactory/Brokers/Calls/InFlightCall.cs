using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>
/// A request the broker is answering, which identical requests arriving meanwhile join instead of sending it again. The
/// answer is copied for them only when there are any: the caller who sent the request keeps the original.
/// </summary>
internal sealed class InFlightCall
{
    private TaskCompletionSource<JsonObject>? _joined;
    private bool _closed;
    private ModelRequest? _parkedBy;

    /// <summary>
    /// The call of a request parked ahead of the broker's call (see <see cref="ModelBroker.ParkAsync"/>): identical
    /// requests join it as any other; the broker's call of <paramref name="request"/> itself takes it over (<see cref="TakeOver"/>).
    /// </summary>
    public static InFlightCall ParkedBy(ModelRequest request) => new() { _parkedBy = request };

    /// <summary>Whether this is the parked call of <paramref name="request"/> (that very object), which the caller now owns; true once.</summary>
    public bool TakeOver(ModelRequest request)
    {
        lock (this)
        {
            if (!ReferenceEquals(_parkedBy, request))
            {
                return false;
            }

            _parkedBy = null;
            return true;
        }
    }

    /// <summary>
    /// What a request identical to this one waits for: the answer, which it must copy before changing; or
    /// <see langword="null"/> when this call has already finished (its answer is in the ledger, or it failed).
    /// </summary>
    public Task<JsonObject>? Join()
    {
        lock (this)
        {
            return _closed ? null : (_joined ??= new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>
    /// Ends the call with <paramref name="answer"/>: those who joined get a copy of it (made once, before this returns),
    /// so the caller may change <paramref name="answer"/> afterwards. Nobody can join after this.
    /// </summary>
    public void Answered(JsonObject answer) => Close()?.SetResult((JsonObject)answer.DeepClone());

    /// <summary>Ends the call with <paramref name="exception"/> for those who joined. Nobody can join after this.</summary>
    public void Failed(Exception exception) => Close()?.SetException(exception);

    private TaskCompletionSource<JsonObject>? Close()
    {
        lock (this)
        {
            _closed = true;
            return _joined;
        }
    }
}
