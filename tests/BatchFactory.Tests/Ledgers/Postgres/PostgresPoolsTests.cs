using BatchFactory.Ledgers;
using BatchFactory.Tests.Support;
using Npgsql;

namespace BatchFactory.Tests.Ledgers;

/// <summary>The pools of one PostgreSQL connection: shared by kind, kept open for a linger after the last share, then closed (no server needed: a pool connects only when used).</summary>
public sealed class PostgresPoolsTests
{
    [Fact]
    public async Task Take_WithinTheLingerAfterTheLastShare_GetsTheOpenPool_AndAfterItANewOne()
    {
        var made = 0;
        var closedAll = 0;
        var pools = new PostgresPools((_, _) => { made++; return NpgsqlDataSource.Create("Host=127.0.0.1;Port=1"); }, () => closedAll++) { Linger = TimeSpan.FromMilliseconds(300) };

        var first = pools.Take(durable: false, genericPlans: false);
        await pools.GiveBackAsync(durable: false, genericPlans: false);
        var again = pools.Take(durable: false, genericPlans: false);

        Assert.Same(first, again);
        Assert.Equal(1, made);

        // Given back, taken, given back: the first give-back's timer closes nothing; the second's closes the pool.
        await pools.GiveBackAsync(durable: false, genericPlans: false);
        await Eventually.TrueAsync(() => Volatile.Read(ref closedAll) == 1, "the pool closes once its linger passes with no share taken");
        Assert.NotSame(first, pools.Take(durable: false, genericPlans: false));
        Assert.Equal(2, made);
    }

    [Fact]
    public async Task Take_KindsOfSession_EachHaveTheirOwnPool_SharedByEveryTaker()
    {
        var pools = new PostgresPools((_, _) => NpgsqlDataSource.Create("Host=127.0.0.1;Port=1")) { Linger = TimeSpan.Zero };

        var ledgers = pools.Take(durable: true, genericPlans: false);
        var claims = pools.Take(durable: false, genericPlans: true);

        Assert.Same(ledgers, pools.Take(durable: true, genericPlans: false));
        Assert.NotSame(ledgers, claims);
        await pools.GiveBackAsync(durable: true, genericPlans: false);
        Assert.Same(ledgers, pools.Take(durable: true, genericPlans: false));

        // Without a linger the last give-back closes the pool at once: the next taker gets a new one.
        await pools.GiveBackAsync(durable: true, genericPlans: false);
        await pools.GiveBackAsync(durable: true, genericPlans: false);
        Assert.NotSame(ledgers, pools.Take(durable: true, genericPlans: false));
    }
}
