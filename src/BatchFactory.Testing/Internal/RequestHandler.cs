using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace BatchFactory.Testing.Internal;

/// <summary>
/// The server's only middleware: routes, reads the body, records the request, waits the latency, applies a scripted
/// failure if one is due, and answers.
/// </summary>
internal sealed class RequestHandler(TestServerOptions options, RequestLog log)
{
    private readonly ConcurrentQueue<Failure> _scripted = new();
    private long _modelListRequests;

    /// <summary>The server's files and batches.</summary>
    public BatchStore Batches { get; } = new(options);

    public void FailNext(int count, Failure failure)
    {
        for (int i = 0; i < count; i++)
        {
            _scripted.Enqueue(failure);
        }
    }

    public void ClearScripted() => _scripted.Clear();

    /// <summary>How many times the model list was asked for.</summary>
    public long ModelListRequests => Interlocked.Read(ref _modelListRequests);

    public async Task HandleAsync(HttpContext context)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        string path = context.Request.Path.Value ?? string.Empty;
        if (await HandleBatchCallAsync(context, path, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (path.Equals("/v1/models", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(context.Request.Method))
        {
            await HandleModelListAsync(context, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (path.Equals("/v1/messages", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(context.Request.Method))
        {
            await HandleMessagesAsync(context, path, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!Route.TryMatch(path, out Route route))
        {
            await ErrorResponseWriter.WriteAsync(
                context.Response,
                StatusCodes.Status404NotFound,
                $"No endpoint at '{path}'. This test server answers POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models, POST /v1/messages (Anthropic) and their Azure paths /openai/deployments/{{deployment}}/….",
                null,
                cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await ErrorResponseWriter.WriteAsync(
                context.Response, StatusCodes.Status405MethodNotAllowed, $"Use POST for '{path}'.", null, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            Task handling = route.Kind == RequestKind.Chat
                ? HandleChatAsync(context, path, route.Deployment, cancellationToken)
                : HandleEmbeddingsAsync(context, path, route.Deployment, cancellationToken);
            await handling.ConfigureAwait(false);
        }
        catch (BadRequestException e)
        {
            await ErrorResponseWriter.WriteAsync(
                context.Response, StatusCodes.Status400BadRequest, e.Message, null, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the server is stopping: nobody is left to answer.
        }
    }

    private Task HandleModelListAsync(HttpContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _modelListRequests);
        if (AnthropicModelListWriter.IsAnthropic(context.Request))
        {
            return options.Models is { } listed
                ? AnthropicModelListWriter.WriteAsync(context.Response, context.Request.Query, listed, options.TimeProvider.GetUtcNow(), cancellationToken)
                : MessagesResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, "This server has no model list (TestServerOptions.Models is not set).", null, cancellationToken);
        }

        return options.Models is { } models
            ? ModelListWriter.WriteAsync(context.Response, models, options.TimeProvider.GetUtcNow(), cancellationToken)
            : ErrorResponseWriter.WriteAsync(
                context.Response,
                StatusCodes.Status404NotFound,
                "This server has no model list (TestServerOptions.Models is not set).",
                null,
                cancellationToken);
    }

    // Anthropic's Messages API: counted as a chat request, failed with Anthropic's error shape.
    private async Task HandleMessagesAsync(HttpContext context, string path, CancellationToken cancellationToken)
    {
        ChatRequestInfo chat;
        string? body = await BodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
        try
        {
            chat = await MessagesRequest.ReadAsync(context.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (BadRequestException e)
        {
            await MessagesResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, e.Message, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        ReceivedRequest received = log.Record(RequestKind.Chat, path, chat.Model, [.. chat.Messages.Select(m => m.Text)], body: body);
        if (!await WaitAndPassAsync(context, received, cancellationToken, MessagesResponseWriter.WriteErrorAsync).ConfigureAwait(false))
        {
            return;
        }

        string reply = options.ChatResponder?.Invoke(chat) ?? DeterministicContent.EchoReply(chat);
        await MessagesResponseWriter.WriteAsync(context.Response, chat, reply, cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleChatAsync(HttpContext context, string path, string? deployment, CancellationToken cancellationToken)
    {
        string? body = await BodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
        ChatRequest chat = await ChatRequest.ReadAsync(context.Request, deployment, cancellationToken).ConfigureAwait(false);
        ReceivedRequest received = log.Record(RequestKind.Chat, path, chat.Info.Model, chat.Texts(), chat.Info.JsonSchema, body);
        if (!await WaitAndPassAsync(context, received, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        string reply = options.ChatResponder?.Invoke(chat.Info)
            ?? (chat.Info.JsonSchema is null ? DeterministicContent.EchoReply(chat.Info) : StructuredReply.Create(chat.Info, options.BadAnswers?.Invoke(chat.Info)));
        await ChatResponseWriter.WriteAsync(
            context.Response, chat, reply, options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleEmbeddingsAsync(HttpContext context, string path, string? deployment, CancellationToken cancellationToken)
    {
        EmbeddingRequest embeddings = await EmbeddingRequest.ReadAsync(
            context.Request, deployment, options.EmbeddingDimensions, cancellationToken).ConfigureAwait(false);
        ReceivedRequest received = log.Record(RequestKind.Embeddings, path, embeddings.Model, embeddings.Inputs);
        if (!await WaitAndPassAsync(context, received, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await EmbeddingResponseWriter.WriteAsync(context.Response, embeddings, cancellationToken).ConfigureAwait(false);
    }

    // A files or batches call, carried out, then failed if TestServerOptions.BatchFailureSelector says so.
    private async Task<bool> HandleBatchCallAsync(HttpContext context, string path, CancellationToken cancellationToken)
    {
        bool anthropic = path.StartsWith("/v1/messages/batches", StringComparison.OrdinalIgnoreCase);
        bool batchPath = anthropic || path.StartsWith("/v1/files", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/v1/batches", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/openai/files", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/openai/batches", StringComparison.OrdinalIgnoreCase);
        if (!batchPath)
        {
            return false;
        }

        Failure? failure = options.BatchFailureSelector?.Invoke($"{context.Request.Method} {path}");
        Stream body = context.Response.Body;
        using var held = new MemoryStream();
        if (failure is not null)
        {
            context.Response.Body = held;
        }

        try
        {
            if (!await new BatchEndpoints(Batches).TryHandleAsync(context, path, cancellationToken).ConfigureAwait(false))
            {
                await new AnthropicBatchEndpoints(Batches).TryHandleAsync(context, path, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            context.Response.Body = body;
        }

        if (failure is null)
        {
            return true;
        }

        if (failure.Kind == FailureKind.Slow)
        {
            await Task.Delay(failure.Delay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            held.Position = 0;
            await held.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
            return true;
        }

        log.CountFailure();
        if (failure.Kind == FailureKind.Abort)
        {
            context.Abort();
            return true;
        }

        context.Response.Clear();
        string message = $"Scripted failure of {context.Request.Method} {path} (carried out): {failure}.";
        await (anthropic ? MessagesResponseWriter.WriteErrorAsync(context.Response, failure.StatusCode, message, failure.RetryAfterSeconds, cancellationToken)
            : ErrorResponseWriter.WriteAsync(context.Response, failure.StatusCode, message, failure.RetryAfterSeconds, cancellationToken)).ConfigureAwait(false);
        return true;
    }

    // The body as text when bodies are recorded, read ahead and rewound so the request is then parsed as usual.
    private async Task<string?> BodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!options.RecordBodies)
        {
            return null;
        }

        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        string body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        request.Body.Position = 0;
        return body;
    }

    /// <summary>
    /// Waits the latency (plus a slow failure's delay), then applies the request's failure, if any.
    /// Returns whether the request should be answered normally.
    /// </summary>
    private async ValueTask<bool> WaitAndPassAsync(HttpContext context, ReceivedRequest received, CancellationToken cancellationToken, Func<HttpResponse, int, string, int?, CancellationToken, Task>? writeError = null)
    {
        Failure? failure = _scripted.TryDequeue(out Failure? next) ? next : options.FailureSelector?.Invoke(received);
        TimeSpan wait = failure is { Kind: FailureKind.Slow } ? options.Latency + failure.Delay : options.Latency;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (failure is null || failure.Kind == FailureKind.Slow)
        {
            return true;
        }

        log.CountFailure();
        if (failure.Kind == FailureKind.Abort)
        {
            context.Abort();
            return false;
        }

        await (writeError ?? ErrorResponseWriter.WriteAsync)(
            context.Response,
            failure.StatusCode,
            $"Scripted failure of request {received.Number}: {failure}.",
            failure.RetryAfterSeconds,
            cancellationToken).ConfigureAwait(false);
        return false;
    }
}
