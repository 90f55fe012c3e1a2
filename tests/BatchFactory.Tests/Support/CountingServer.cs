using System.Collections.Concurrent;
using BatchFactory.Testing;

namespace BatchFactory.Tests.Support;

/// <summary>The loopback server at 20 ms per request, counting how often each prompt (the last message's text) was asked.</summary>
internal static class CountingServer
{
    public static Task<OpenAICompatibleServer> StartAsync(ConcurrentDictionary<string, int> asked) =>
        OpenAICompatibleServer.StartAsync(
            new TestServerOptions
            {
                Latency = TimeSpan.FromMilliseconds(20),
                MaxRecordedRequests = 0,
                FailureSelector = request =>
                {
                    asked.AddOrUpdate(request.Texts[^1], 1, (_, n) => n + 1);
                    return null;
                },
            },
            TestRuns.Token);
}
