using System.Text.Json.Nodes;
using BatchFactory.Brokers;

namespace BatchFactory.Tests.Brokers.Batches;

/// <summary>The task a request waiting for its batch gives the broker: answered, failed or cancelled by the caller's token.</summary>
public sealed class BatchWaiterTests
{
    private static BatchWaiter NewWaiter() => new(new EmbeddingCall("a text", ModelSpec.Parse("m@offline")) { Mode = CallMode.Batch });

    [Fact]
    public async Task Answer_CancelledBeforeTheBatchAnswers_EndsCancelled_AndALaterAnswerIsIgnored()
    {
        var waiter = NewWaiter();
        using var stop = new CancellationTokenSource();
        var answer = waiter.Answer(stop.Token);

        await stop.CancelAsync();
        var took = waiter.Answered(new JsonObject { ["text"] = "late" });

        Assert.False(took);
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer);
        Assert.Equal(stop.Token, cancelled.CancellationToken);
    }

    [Fact]
    public async Task Answer_AnsweredFirst_KeepsTheAnswer_WhenTheTokenIsCancelledAfterwards()
    {
        var waiter = NewWaiter();
        using var stop = new CancellationTokenSource();
        var answer = waiter.Answer(stop.Token);

        Assert.True(waiter.Answered(new JsonObject { ["text"] = "hello" }));
        await stop.CancelAsync();

        Assert.Equal("hello", (string?)(await answer)["text"]);
    }

    [Fact]
    public async Task Answer_FailedBatch_FailsWithItsError_AndAnAlreadyAnsweredWaiterNeedsNoToken()
    {
        var failed = NewWaiter();
        var answer = failed.Answer(CancellationToken.None);
        failed.Failed(new BatchRequestException("line failed"));
        var answered = NewWaiter();
        answered.Answered(new JsonObject { ["text"] = "early" });

        Assert.Equal("line failed", (await Assert.ThrowsAsync<BatchRequestException>(() => answer)).Message);
        Assert.Equal("early", (string?)(await answered.Answer(new CancellationToken(canceled: true)))["text"]);
    }
}
