using System.Globalization;

namespace BatchFactory.Benchmarks.Scaling;

/// <summary>The CPU time of the PostgreSQL server processes on this machine, from <c>/proc</c>.</summary>
internal static class PostgresCpu
{
    // The kernel's clock ticks per second for the times in /proc/<pid>/stat (USER_HZ, 100 on Linux).
    private const double TicksPerSecond = 100;

    /// <summary>
    /// The CPU seconds of every process named <c>postgres</c> so far, with those of the children it reaped (a backend
    /// that ended counts in its postmaster's): the difference of two readings is what the servers spent in between.
    /// 0 where there is no <c>/proc</c> (a server on another machine is not seen either).
    /// </summary>
    public static double Seconds()
    {
        if (!Directory.Exists("/proc"))
        {
            return 0;
        }

        long ticks = 0;
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    || File.ReadAllText(Path.Combine(process, "comm")).Trim() != "postgres")
                {
                    continue;
                }

                // After the command's closing parenthesis: state is field 3, utime, stime, cutime and cstime fields 14–17.
                var stat = File.ReadAllText(Path.Combine(process, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                for (var field = 11; field <= 14; field++)
                {
                    ticks += long.Parse(fields[field], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile: its time is in its parent's.
            }
        }

        return ticks / TicksPerSecond;
    }
}
