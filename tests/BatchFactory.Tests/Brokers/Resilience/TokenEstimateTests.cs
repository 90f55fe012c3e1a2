using System.Text.Json;
using BatchFactory.Brokers.Resilience;
using Microsoft.Extensions.AI;

namespace BatchFactory.Tests.Brokers.Resilience;

/// <summary>How many tokens a request is expected to use, and how many it used.</summary>
public sealed class TokenEstimateTests
{
    [Fact]
    public void ForChat_NoEstimateGiven_IsCharactersOverFourRoundedUpPlusMaxOutputTokens()
    {
        ChatMessage[] messages = [new(ChatRole.System, new string('s', 101)), new(ChatRole.User, new string('u', 299))];

        Assert.Equal(100 + 50, TokenEstimate.ForChat(messages, new ChatOptions { MaxOutputTokens = 50 }, expectedOutputTokens: 7));
        Assert.Equal(100 + 7, TokenEstimate.ForChat(messages, null, expectedOutputTokens: 7));
        Assert.Equal(101 + 7, TokenEstimate.ForChat(messages, new ChatOptions { Instructions = "four" }, expectedOutputTokens: 7));
    }

    [Theory]
    [InlineData(1234)]
    [InlineData(1234L)]
    [InlineData("1234")]
    [InlineData(1234.0)]
    public void ForChat_EstimateGiven_UsesIt(object given)
    {
        var options = new ChatOptions { MaxOutputTokens = 50, AdditionalProperties = new() { [RateLimitOptions.ExpectedTokensKey] = given } };

        Assert.Equal(1234, TokenEstimate.ForChat([new(ChatRole.User, "hello")], options, expectedOutputTokens: 7));
    }

    [Fact]
    public void ForEmbeddings_EstimateGivenAsJson_UsesIt()
    {
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { [RateLimitOptions.ExpectedTokensKey] = JsonSerializer.SerializeToElement(42) } };

        Assert.Equal(42, TokenEstimate.ForEmbeddings(["hello"], options));
        Assert.Equal(3, TokenEstimate.ForEmbeddings(["hello", "world!"], null));
    }

    [Theory]
    [InlineData("many")]
    [InlineData(-5)]
    [InlineData(1.5)]
    public void ForChat_EstimateNotAWholeNumber_ThrowsSayingWhatIsExpected(object given)
    {
        var options = new ChatOptions { AdditionalProperties = new() { [RateLimitOptions.ExpectedTokensKey] = given } };

        var error = Assert.Throws<ArgumentException>(() => TokenEstimate.ForChat([new(ChatRole.User, "hello")], options, 0));
        Assert.Contains("whole number of tokens", error.Message);
    }

    [Fact]
    public void Used_PrefersTheTotalElseAddsInputAndOutput()
    {
        Assert.Equal(30, TokenEstimate.Used(new UsageDetails { InputTokenCount = 1, OutputTokenCount = 2, TotalTokenCount = 30 }));
        Assert.Equal(3, TokenEstimate.Used(new UsageDetails { InputTokenCount = 1, OutputTokenCount = 2 }));
        Assert.Null(TokenEstimate.Used(new UsageDetails()));
        Assert.Null(TokenEstimate.Used(null));
    }
}
