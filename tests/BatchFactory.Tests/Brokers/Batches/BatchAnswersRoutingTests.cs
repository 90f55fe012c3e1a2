using System.Text.Json.Nodes;
using BatchFactory.Brokers;
using BatchFactory.Tests.Support;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>A result line no request waits for in its own batch: handed to the request of the run waiting in another batch, or kept.</summary>
public sealed class BatchAnswersRoutingTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 18, 0, 0, TimeSpan.Zero);
    private readonly BatchAnswers _answers = new(new NoLiveCalls(), new BatchSetup(ModelProviders.Default, new BatchOptions(), null, TimeProvider.System, null, null));

    public void Dispose() => _answers.Dispose();

    [Fact]
    public async Task Unclaimed_RequestWaitingInAnotherBatchOfAnotherModel_GetsTheAnswerLabelledWithItsOwnModel()
    {
        var (from, other, waiter) = TwoBatches("claude-x@anthropic", "gpt-y@openai");

        var took = _answers.Unclaimed(from, waiter.Request.Key, Answer("claude-x@anthropic"));

        Assert.True(took);
        var answer = await waiter.Answer(TestRuns.Token);
        Assert.Equal("gpt-y@openai", answer["model"]!.GetValue<string>());
        Assert.Null(_answers.Claim(waiter.Request.Key));
        Assert.Null(other.TryTake(waiter.Request.Key));
    }

    [Fact]
    public void Unclaimed_RequestWaitingInAnotherBatchHadAlreadyFailed_KeepsTheAnswerInsteadOfDroppingIt()
    {
        var (from, _, waiter) = TwoBatches("m@openai", "m@openai");
        waiter.Failed(new BatchRequestException("its own batch failed"));

        var took = _answers.Unclaimed(from, waiter.Request.Key, Answer("m@openai"));

        Assert.False(took);
        Assert.False(_answers.Taken(waiter.Request.Key));
        Assert.Equal("an answer", _answers.Claim(waiter.Request.Key)?["text"]?.GetValue<string>());
    }

    private (BatchJob From, BatchJob Other, BatchWaiter Waiter) TwoBatches(string fromModel, string waiterModel)
    {
        var model = ModelSpec.Parse(waiterModel);
        var request = new ChatCall(ChatRequest.Create(model.ToString(), [ChatRequest.Message("user", "hello")], null, 0), model) { Mode = CallMode.Batch };
        var waiter = new BatchWaiter(request);
        var from = new BatchJob("batch_from", ModelSpec.Parse(fromModel), "/v1/chat/completions", [], 0, Now);
        var other = new BatchJob("batch_other", model, "/v1/chat/completions", [request.Key], 0, Now);
        Assert.True(other.TryAttach(waiter));
        _answers.Started(from);
        _answers.Started(other);
        return (from, other, waiter);
    }

    private static JsonObject Answer(string model) => new() { ["text"] = "an answer", ["model"] = model };

    private sealed class NoLiveCalls : IAnswerSource
    {
        public Task<JsonObject> AnswerAsync(ModelRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No live call is expected.");
    }
}
