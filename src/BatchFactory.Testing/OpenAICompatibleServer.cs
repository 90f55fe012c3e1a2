using System.Net;
using BatchFactory.Testing.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BatchFactory.Testing;

/// <summary>
/// A deterministic OpenAI-compatible HTTP server on 127.0.0.1 (Kestrel, a free port, no console output) for running
/// LLM pipelines in tests and benchmarks without a network or a model.
/// </summary>
/// <remarks>
/// <para>
/// Endpoints (POST, OpenAI wire format): <c>/v1/chat/completions</c> (also <c>stream: true</c>), <c>/v1/embeddings</c>,
/// and Azure OpenAI's <c>/openai/deployments/{deployment}/chat/completions</c> and <c>…/embeddings</c> (any
/// <c>api-version</c>); the batch API: <c>/v1/files</c> (upload, metadata, content) and <c>/v1/batches</c> (create,
/// retrieve, cancel, list), also under Azure's <c>/openai/</c> (which needs <c>api-version</c>), and Anthropic's Message
/// Batches <c>/v1/messages/batches</c> (create with inline requests, retrieve, <c>/results</c>, cancel, list; at most
/// 100,000 requests and 256 MB), answering each line of a batch as its endpoint would
/// (scripted by the <c>Batch*</c> settings and <see cref="TestServerOptions.MaxEnqueuedTokens"/>); <c>GET /v1/models</c> lists <see cref="TestServerOptions.Models"/> (in Anthropic's shape and pages to a client sending <c>anthropic-version</c>; 404 when not set);
/// Anthropic's Messages API <c>POST /v1/messages</c> (the same echo answers, <c>usage.input_tokens</c>/<c>output_tokens</c>,
/// errors in Anthropic's shape with <c>retry-after</c>; counted as chat requests, failed by the same scripted failures,
/// e.g. <c>Failure.HttpStatus(529)</c> for "overloaded"). Other paths get 404.
/// </para>
/// <para>
/// Answers are pure functions of the request. Chat: <c>Echo[&lt;model&gt;]: &lt;last user message&gt;</c> unless
/// <see cref="TestServerOptions.ChatResponder"/> says otherwise, and for a request with a JSON schema
/// (<c>response_format</c> of type <c>json_schema</c>) JSON the schema accepts, or a bad answer
/// <see cref="TestServerOptions.BadAnswers"/> asks for; usage counts words (runs of non-whitespace):
/// <c>prompt_tokens</c> over all messages' texts, <c>completion_tokens</c> over the reply,
/// <c>total_tokens</c> their sum; <c>finish_reason</c> is <c>stop</c>. Embeddings: per input, a unit vector seeded by
/// a hash of the input text alone (not the model), of the request's <c>dimensions</c> or else
/// <see cref="TestServerOptions.EmbeddingDimensions"/>; sent as base64 little-endian float32 when
/// <c>encoding_format</c> is <c>base64</c>, else as a float array; usage counts the inputs' words.
/// </para>
/// <para>
/// Each chat or embeddings request is read, recorded, waits <see cref="TestServerOptions.Latency"/>, then is failed
/// if a <see cref="Failure"/> is due (first those queued by <see cref="FailNext"/>, else
/// <see cref="TestServerOptions.FailureSelector"/>), else answered.
/// </para>
/// </remarks>
public sealed class OpenAICompatibleServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RequestLog _log;
    private readonly RequestHandler _handler;
    private int _disposed;

    private OpenAICompatibleServer(WebApplication app, RequestLog log, RequestHandler handler, Uri root)
    {
        _app = app;
        _log = log;
        _handler = handler;
        Root = root;
        BaseUri = new Uri(root, "v1");
    }

    /// <summary>The server's root, <c>http://127.0.0.1:PORT/</c>: the endpoint for <c>AzureOpenAIClient</c>.</summary>
    public Uri Root { get; }

    /// <summary>
    /// <c>http://127.0.0.1:PORT/v1</c>: the value for <c>OpenAIClientOptions.Endpoint</c> of the OpenAI .NET SDK.
    /// </summary>
    public Uri BaseUri { get; }

    /// <summary>Chat and embeddings requests read since the start or the last <see cref="Reset"/>, failed ones included.</summary>
    public long TotalRequests => _log.Total;

    /// <summary>Chat completions requests read since the start or the last <see cref="Reset"/>, failed ones included.</summary>
    public long ChatRequests => _log.Chat;

    /// <summary>Embeddings requests read since the start or the last <see cref="Reset"/>, failed ones included.</summary>
    public long EmbeddingRequests => _log.Embeddings;

    /// <summary>How many times <c>GET /v1/models</c> was asked since the start (not counted in <see cref="TotalRequests"/>).</summary>
    public long ModelListRequests => _handler.ModelListRequests;

    /// <summary>
    /// Requests answered with a scripted error status or aborted since the start or the last <see cref="Reset"/>
    /// (slow ones are answered normally and not counted).
    /// </summary>
    public long FailedRequests => _log.Failed;

    /// <summary>Files uploaded with purpose <c>batch</c> to <c>/v1/files</c> (or Azure's <c>/openai/files</c>) since the start.</summary>
    public long FilesUploaded => _handler.Batches.FilesUploaded;

    /// <summary>
    /// Wall time spent handling files and batches requests since the start, added up over requests: reading uploads,
    /// validating batch files, answering every line of a batch when it finishes (during the poll that finds it done),
    /// and sending file contents. Lets a benchmark tell the server's share of a batch run from the client's.
    /// </summary>
    public TimeSpan BatchWorkTime => _handler.Batches.WorkTime;

    /// <summary>
    /// Bytes of the files the server keeps in memory (uploaded batch files, output and error files) now; 0 with
    /// <see cref="TestServerOptions.BatchFilesOnDisk"/>.
    /// </summary>
    public long BatchFileBytes => _handler.Batches.FileBytes;

    /// <summary>
    /// The folder of the batch files kept on disk (<see cref="TestServerOptions.BatchFilesOnDisk"/>), deleted when the
    /// server is disposed; <see langword="null"/> when they are kept in memory.
    /// </summary>
    public string? BatchFileFolder => _handler.Batches.Folder;

    /// <summary>Batches (Anthropic's message batches too) created since the start, those that failed validation included.</summary>
    public long BatchesCreated => _handler.Batches.BatchesCreated;

    /// <summary>Request lines of the batches that passed validation since the start.</summary>
    public long BatchedRequests => _handler.Batches.BatchedRequests;

    /// <summary>Batches that failed validation with <c>token_limit_exceeded</c> since the start.</summary>
    public long TokenLimitRejections => _handler.Batches.TokenLimitRejections;

    /// <summary>The tokens of batches not yet finished, as the server counts them for <see cref="TestServerOptions.MaxEnqueuedTokens"/>.</summary>
    public long EnqueuedTokens => _handler.Batches.EnqueuedTokens;

    /// <summary>The most tokens that were ever enqueued at once (see <see cref="EnqueuedTokens"/>).</summary>
    public long PeakEnqueuedTokens => _handler.Batches.PeakEnqueuedTokens;

    /// <summary>The server's batches with their status and counts: id, status, request lines, completed, failed.</summary>
    public IReadOnlyList<(string Id, string Status, int Requests, int Completed, int Failed)> Batches =>
        [.. _handler.Batches.Batches().Select(b => (b.Id, b.Status, b.Lines, b.Completed, b.Failed))];

    /// <summary>
    /// The request lines the batch <paramref name="batchId"/> was created with, as JSON text, in order: OpenAI's
    /// <c>{"custom_id","method","url","body"}</c>, or Anthropic's <c>{"custom_id","params"}</c>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The server has no such batch.</exception>
    public IReadOnlyList<string> BatchRequestLines(string batchId)
    {
        var batch = _handler.Batches.Batch(batchId) ?? throw new KeyNotFoundException($"The test server has no batch '{batchId}'.");
        using var reader = new StreamReader(_handler.Batches.File(batch.InputFileId)!.OpenRead(), new System.Text.UTF8Encoding(false));
        return [.. reader.ReadToEnd().TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
    }

    /// <summary>
    /// A snapshot of the most recent received requests (up to <see cref="TestServerOptions.MaxRecordedRequests"/>),
    /// ordered by <see cref="ReceivedRequest.Number"/>. Requests with unreadable bodies are answered 400 and not kept.
    /// </summary>
    public IReadOnlyList<ReceivedRequest> Requests => _log.Snapshot();

    /// <summary>Starts a server on 127.0.0.1, on a free port unless <see cref="TestServerOptions.Port"/> names one.</summary>
    /// <param name="options">Settings, copied and validated here; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting in <paramref name="options"/> is out of its range.</exception>
    /// <exception cref="ArgumentNullException"><see cref="TestServerOptions.TimeProvider"/> is null.</exception>
    public static async Task<OpenAICompatibleServer> StartAsync(
        TestServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        TestServerOptions settings = (options ?? new TestServerOptions()).CopyValidated();
        var log = new RequestLog(settings.TimeProvider, settings.MaxRecordedRequests);
        var handler = new RequestHandler(settings, log);
        WebApplication app = Build(handler, settings.Port);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            string address = app.Services.GetRequiredService<IServer>().Features
                .GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new OpenAICompatibleServer(app, log, handler, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Fails the next <paramref name="count"/> chat or embeddings requests with <paramref name="failure"/>.</summary>
    /// <remarks>Queued failures are used in order, one per request, before <see cref="TestServerOptions.FailureSelector"/> is asked.</remarks>
    /// <param name="count">How many requests to fail; 0 does nothing.</param>
    /// <param name="failure">What to do to each of them.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="failure"/> is null.</exception>
    public void FailNext(int count, Failure failure)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(failure);
        _handler.FailNext(count, failure);
    }

    /// <summary>
    /// Sets the counters and request numbers back to 0, empties <see cref="Requests"/> and drops failures queued by
    /// <see cref="FailNext"/>. Meant for moments when no request is in flight.
    /// </summary>
    public void Reset()
    {
        _handler.ClearScripted();
        _log.Reset();
    }

    /// <summary>Stops the server at once, aborting requests still in flight (e.g. waiting out latency), and deletes the batch files it kept on disk.</summary>
    /// <returns>A task that completes when the port is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _handler.Batches.Dispose();
    }

    private static WebApplication Build(RequestHandler handler, int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(OpenAICompatibleServer).Assembly.GetName().Name,
        });
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // No minimum data rates: a test server has no slow clients to shed, and tracking the rate costs every read and write.
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        WebApplication app = builder.Build();
        app.Run(handler.HandleAsync);
        return app;
    }
}
