using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace BatchFactory.Brokers.Resilience;

/// <summary>How many tokens a request is expected to use before it is sent, and how many it used afterwards.</summary>
internal static class TokenEstimate
{
    /// <summary>Characters per token assumed for prompt text (English averages about four).</summary>
    private const int CharsPerToken = 4;

    /// <summary>
    /// The caller's estimate (<see cref="RateLimitOptions.ExpectedTokensKey"/>) if given, else prompt characters / 4 plus
    /// <see cref="ChatOptions.MaxOutputTokens"/> (or <paramref name="expectedOutputTokens"/> when that is not set).
    /// </summary>
    public static long ForChat(IEnumerable<ChatMessage> messages, ChatOptions? options, int expectedOutputTokens)
    {
        if (FromProperties(options?.AdditionalProperties) is { } given)
        {
            return given;
        }

        long chars = options?.Instructions?.Length ?? 0;
        foreach (var message in messages)
        {
            chars += message.Text.Length;
        }

        return Tokens(chars) + (options?.MaxOutputTokens ?? expectedOutputTokens);
    }

    /// <summary>The caller's estimate (<see cref="RateLimitOptions.ExpectedTokensKey"/>) if given, else input characters / 4.</summary>
    public static long ForEmbeddings(IEnumerable<string> values, EmbeddingGenerationOptions? options)
    {
        if (FromProperties(options?.AdditionalProperties) is { } given)
        {
            return given;
        }

        long chars = 0;
        foreach (var value in values)
        {
            chars += value?.Length ?? 0;
        }

        return Tokens(chars);
    }

    /// <summary>The tokens a call used by the provider's count, or <see langword="null"/> when it did not say.</summary>
    public static long? Used(UsageDetails? usage)
    {
        if (usage is null)
        {
            return null;
        }

        if (usage.TotalTokenCount is { } total)
        {
            return total;
        }

        return usage.InputTokenCount is null && usage.OutputTokenCount is null
            ? null
            : (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0);
    }

    private static long Tokens(long chars) => (chars + CharsPerToken - 1) / CharsPerToken;

    private static long? FromProperties(AdditionalPropertiesDictionary? properties)
    {
        if (properties is null || !properties.TryGetValue(RateLimitOptions.ExpectedTokensKey, out var value) || value is null)
        {
            return null;
        }

        long? tokens = value switch
        {
            int i => i,
            long l => l,
            short s => s,
            uint u => u,
            double d when d == Math.Floor(d) && d <= long.MaxValue => (long)d,
            string text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonElement { ValueKind: JsonValueKind.Number } json when json.TryGetInt64(out var parsed) => parsed,
            _ => null,
        };

        return tokens is >= 0
            ? tokens
            : throw new ArgumentException(
                $"AdditionalProperties[\"{RateLimitOptions.ExpectedTokensKey}\"] must be a whole number of tokens, 0 or more; it was '{value}' ({value.GetType().Name}).",
                "options");
    }
}
