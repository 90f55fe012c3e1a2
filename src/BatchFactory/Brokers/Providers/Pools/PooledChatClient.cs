using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers.Pools;

/// <summary>A chat client over one client per server of an <see cref="EndpointPool"/>; disposing disposes them.</summary>
internal sealed class PooledChatClient(EndpointPool pool, IReadOnlyList<IChatClient> clients) : IChatClient
{
    /// <summary>The key in <see cref="ChatResponse.AdditionalProperties"/> of the base URL of the server that answered.</summary>
    public const string EndpointProperty = "batchfactory.endpoint";

    /// <summary>The answer of the least loaded server in the pool, naming the server under <see cref="EndpointProperty"/>.</summary>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        return pool.SendAsync(
            async (i, token) =>
            {
                var response = await clients[i].GetResponseAsync(list, options, token).ConfigureAwait(false);
                (response.AdditionalProperties ??= [])[EndpointProperty] = pool.Endpoints[i].Url.ToString();
                return response;
            },
            cancellationToken);
    }

    /// <summary>Streams from the least loaded server; a stream is not moved to another server once it started.</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = Math.Max(0, pool.Pick());
        var endpoint = pool.Endpoints[index];
        endpoint.Enter();
        try
        {
            await endpoint.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Cancelled while waiting for a slot: the request was never sent, so it no longer counts as outstanding.
            endpoint.Leave();
            throw;
        }

        try
        {
            await foreach (var update in clients[index].GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            endpoint.Slots.Release();
            endpoint.Leave();
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType.IsInstanceOfType(this) ? this : clients[0].GetService(serviceType, serviceKey);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
