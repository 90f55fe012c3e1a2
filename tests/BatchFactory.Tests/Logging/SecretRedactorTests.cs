using BatchFactory.Logging;

namespace BatchFactory.Tests.Logging;

public sealed class SecretRedactorTests
{
    [Fact]
    public void Redact_RemovesEverySecretItWasGiven()
    {
        var secrets = new SecretRedactor(["sk-abcdef123456", "azure-key-987654"]);

        Assert.Equal("401: key *** rejected, *** too", secrets.Redact("401: key sk-abcdef123456 rejected, azure-key-987654 too"));
    }

    [Fact]
    public void Describe_GivesTypeAndMessageWithoutTheSecret()
    {
        var secrets = new SecretRedactor(["sk-abcdef123456"]);

        Assert.Equal("InvalidOperationException: bad key ***", secrets.Describe(new InvalidOperationException("bad key sk-abcdef123456")));
    }

    [Fact]
    public void Redact_IgnoresNullAndTooShortValues()
    {
        var secrets = new SecretRedactor(["x", null, ""]);

        Assert.Equal("x marks the spot", secrets.Redact("x marks the spot"));
    }

    [Fact]
    public void Redact_SecretThatContainsAnotherOne_IsMaskedWhole()
    {
        var secrets = new SecretRedactor(["sk-abcdef12", "sk-abcdef123456"]);

        Assert.Equal("key *** and ***", secrets.Redact("key sk-abcdef123456 and sk-abcdef12"));
    }

    [Fact]
    public void Redact_NothingGiven_ChangesNothing()
    {
        Assert.Equal("sk-abcdef123456", new SecretRedactor([]).Redact("sk-abcdef123456"));
    }
}
