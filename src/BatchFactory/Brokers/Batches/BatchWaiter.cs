using System.Text.Json.Nodes;

namespace BatchFactory.Brokers;

/// <summary>A request waiting for its batch, and the answer it gets.</summary>
internal sealed class BatchWaiter(ModelRequest request)
{
    private readonly TaskCompletionSource<JsonObject> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ModelRequest Request { get; } = request;

    public Task<JsonObject> Answer => _answer.Task;

    public void Answered(JsonObject answer) => _answer.TrySetResult(answer);

    public void Failed(Exception error) => _answer.TrySetException(error);
}
