using System.Globalization;

namespace GroupGuard.Core.Moderation;

/// <summary>
/// The start-up checks of the call settings every adapter has (<c>MaxActionsPerSecond</c>,
/// <c>ActionTimeoutSeconds</c>, <c>ActionBudgetSeconds</c>, <c>MaxAttempts</c>), each failure naming
/// the key and the value. The upper bounds are far past any sensible value and keep each one inside
/// what the clock can count: a timeout of 10^12 seconds is no <see cref="TimeSpan"/>, so without them
/// a setting taken at start-up would fail every action later.
/// </summary>
public static class CallSettings
{
    /// <summary>One call every 100 seconds at the slowest.</summary>
    public const double MinPerSecond = 0.01;

    public const double MaxPerSecond = 1000;

    /// <summary>One attempt's timeout at most: five minutes.</summary>
    public const double MaxTimeoutSeconds = 300;

    /// <summary>One action's retries in all at most: an hour.</summary>
    public const double MaxBudgetSeconds = 3600;

    public const int MaxAttempts = 100;

    /// <summary>Checks the four call settings under <paramref name="section"/> (e.g. <c>GroupGuard:OneBot</c>).</summary>
    public static void Check(List<string> failures, string section, double maxActionsPerSecond, double actionTimeoutSeconds, double actionBudgetSeconds, int maxAttempts)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var rate = $"{section}:MaxActionsPerSecond";
        if (Positive(failures, rate, maxActionsPerSecond))
        {
            if (maxActionsPerSecond < MinPerSecond)
            {
                failures.Add($"{rate} must be at least {Number(MinPerSecond)} (one call every {Number(1 / MinPerSecond)} s), got {Number(maxActionsPerSecond)}");
            }
            else if (maxActionsPerSecond > MaxPerSecond)
            {
                failures.Add($"{rate} must be at most {Number(MaxPerSecond)}, got {Number(maxActionsPerSecond)}");
            }
        }

        var timeout = $"{section}:ActionTimeoutSeconds";
        var budget = $"{section}:ActionBudgetSeconds";
        var timeoutOk = Seconds(failures, timeout, actionTimeoutSeconds, MaxTimeoutSeconds);
        var budgetOk = Seconds(failures, budget, actionBudgetSeconds, MaxBudgetSeconds);
        if (timeoutOk && budgetOk && actionBudgetSeconds < actionTimeoutSeconds)
        {
            failures.Add($"{budget} ({Number(actionBudgetSeconds)}) must be at least {timeout} ({Number(actionTimeoutSeconds)}), or not even one call could run to its timeout");
        }

        if (maxAttempts < 1)
        {
            failures.Add($"{section}:MaxAttempts must be at least 1, got {Number(maxAttempts)}");
        }
        else if (maxAttempts > MaxAttempts)
        {
            failures.Add($"{section}:MaxAttempts must be at most {Number(MaxAttempts)}, got {Number(maxAttempts)}");
        }
    }

    /// <summary>A number of seconds greater than 0 and at most <paramref name="max"/>: true when it is.</summary>
    public static bool Seconds(List<string> failures, string key, double value, double max)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (!Positive(failures, key, value))
        {
            return false;
        }

        if (value > max)
        {
            failures.Add($"{key} must be at most {Number(max)} s, got {Number(value)}");
            return false;
        }

        return true;
    }

    private static bool Positive(List<string> failures, string key, double value)
    {
        // Written as !(value > 0) so NaN fails too.
        if (!(value > 0 && double.IsFinite(value)))
        {
            failures.Add($"{key} must be a number greater than 0, got {Number(value)}");
            return false;
        }

        return true;
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
