using BatchFactory.Logging;

namespace BatchFactory.Tests.Logging;

public sealed class SecretRedactorTests
{
    private static SecretRedactor With(string? openAi, string? azure = null) =>
        new(name => name switch
        {
            "OPENAI_API_KEY" => openAi,
            "AZURE_OPENAI_API_KEY" => azure,
            _ => null,
        });

    [Fact]
    public void Redact_RemovesEveryKeyValue()
    {
        var secrets = With("sk-abcdef123456", "azure-key-987654");

        Assert.Equal("401: key *** rejected, *** too", secrets.Redact("401: key sk-abcdef123456 rejected, azure-key-987654 too"));
    }

    [Fact]
    public void Describe_GivesTypeAndMessageWithoutTheKey()
    {
        var secrets = With("sk-abcdef123456");

        Assert.Equal("InvalidOperationException: bad key ***", secrets.Describe(new InvalidOperationException("bad key sk-abcdef123456")));
    }

    [Fact]
    public void Redact_IgnoresUnsetAndTooShortValues()
    {
        var secrets = With("x", null);

        Assert.Equal("x marks the spot", secrets.Redact("x marks the spot"));
    }
}
