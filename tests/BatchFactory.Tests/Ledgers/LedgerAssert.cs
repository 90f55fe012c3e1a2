namespace BatchFactory.Tests.Ledgers;

/// <summary>Assertions the ledger test classes share.</summary>
internal static class LedgerAssert
{
    /// <summary>
    /// Asserts that <paramref name="open"/> throws <typeparamref name="TException"/> while leaving the file at
    /// <paramref name="path"/> byte for byte as it was and no lock file behind.
    /// </summary>
    public static async Task<TException> RefusedUnchangedAsync<TException>(string path, Func<Task> open)
        where TException : Exception
    {
        var before = File.ReadAllBytes(path);

        var ex = await Assert.ThrowsAsync<TException>(open);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".lock"), "a failed open left its lock behind");
        return ex;
    }
}
