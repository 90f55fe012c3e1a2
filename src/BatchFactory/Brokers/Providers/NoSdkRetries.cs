using System.ClientModel.Primitives;

namespace BatchFactory.Brokers;

/// <summary>
/// The SDK pipeline's retry policy when the library retries itself: it passes each request on once. Same outcome as
/// <c>new ClientRetryPolicy(0)</c> (the request sent once, its exception surfacing as it was), without that policy's
/// two async frames per call.
/// </summary>
internal sealed class NoSdkRetries : PipelinePolicy
{
    public static readonly NoSdkRetries Instance = new();

    private NoSdkRetries()
    {
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNext(message, pipeline, currentIndex);

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
        ProcessNextAsync(message, pipeline, currentIndex);
}
