using System.ClientModel;
using System.ClientModel.Primitives;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>Failures shaped like the OpenAI SDK's: <see cref="ClientResultException"/> with a status and headers.</summary>
internal static class ProviderErrors
{
    public static ClientResultException Status(int status, params (string Name, string Value)[] headers) =>
        new($"HTTP {status} (fake)", new FakeResponse(status, headers));

    public static ClientResultException Status(int status, string message, params (string Name, string Value)[] headers) =>
        new(message, new FakeResponse(status, headers));

    private sealed class FakeResponse(int status, (string Name, string Value)[] headers) : PipelineResponse
    {
        public override int Status => status;

        public override string ReasonPhrase => "fake";

        public override Stream? ContentStream { get; set; }

        public override BinaryData Content => BinaryData.Empty;

        protected override PipelineResponseHeaders HeadersCore { get; } = new FakeHeaders(headers);

        public override BinaryData BufferContent(CancellationToken cancellationToken = default) => Content;

        public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => new(Content);

        public override void Dispose()
        {
        }
    }

    private sealed class FakeHeaders((string Name, string Value)[] headers) : PipelineResponseHeaders
    {
        public override bool TryGetValue(string name, out string? value)
        {
            value = headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
            return value is not null;
        }

        public override bool TryGetValues(string name, out IEnumerable<string>? values)
        {
            var found = headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
            values = found.Count > 0 ? found : null;
            return values is not null;
        }

        public override IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
            headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).GetEnumerator();
    }
}
