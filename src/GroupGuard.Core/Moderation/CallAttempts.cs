using System.Globalization;

namespace GroupGuard.Core.Moderation;

/// <summary>What one attempt at a platform call came to, as <see cref="CallAttempts"/> reads it.</summary>
public interface IAttemptOutcome
{
    /// <summary>Whether trying again may help: a timeout, a broken connection, 5xx, 408, 429.</summary>
    bool Transient { get; }

    /// <summary>Why the attempt did not succeed, or null when it did.</summary>
    string? Error { get; }
}

/// <summary>How one platform call may be tried.</summary>
/// <param name="Bot">The key of the account whose pace the call keeps (<see cref="CallPacer"/>).</param>
/// <param name="PerSecond">That account's calls a second at most.</param>
/// <param name="MaxAttempts">Attempts at most, the first included (at least one is made).</param>
/// <param name="AttemptTimeout">How long one attempt may take.</param>
/// <param name="Budget">How long all attempts and the waits between them may take, from the first attempt on.</param>
public readonly record struct CallLimits(string Bot, double PerSecond, int MaxAttempts, TimeSpan AttemptTimeout, TimeSpan Budget);

/// <summary>Why a call's attempts stopped.</summary>
public enum CallEnd
{
    /// <summary>An attempt came to something final: success, or a refusal that trying again would not change.</summary>
    Answered,

    /// <summary>The last attempt allowed failed in a way a retry might have mended.</summary>
    OutOfAttempts,

    /// <summary>The budget could not hold another attempt: the next backoff, or the wait for the account's turn, would outrun it.</summary>
    OutOfBudget,
}

/// <summary>The end of one call's attempts: the last attempt's outcome, how many attempts were made, and why they stopped.</summary>
public readonly record struct CallTried<T>(T Outcome, int Attempts, CallEnd End)
    where T : IAttemptOutcome
{
    /// <summary>What to report for a call that gave up (<see cref="CallEnd.OutOfAttempts"/> or <see cref="CallEnd.OutOfBudget"/>): the last error and how far it got.</summary>
    public string GaveUp(TimeSpan budget)
    {
        var attempts = $"{Attempts.ToString(CultureInfo.InvariantCulture)} attempt{(Attempts == 1 ? "" : "s")}";
        var why = End == CallEnd.OutOfBudget
            ? $", the {CallAttempts.Seconds(budget)} budget of one action is spent"
            : "";
        return $"{Outcome.Error}; gave up after {attempts}{why}";
    }
}

/// <summary>The time one call has left: what its attempts read to bound themselves.</summary>
public sealed class CallTime
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly CallLimits _limits;

    internal CallTime(TimeProvider time, CallLimits limits)
    {
        _time = time;
        _limits = limits;
        _started = time.GetTimestamp();
    }

    /// <summary>What is left of the budget now (never below zero).</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = _limits.Budget - _time.GetElapsedTime(_started);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>How long an attempt starting now may take: its own timeout, or less when the budget has less left.</summary>
    public TimeSpan AttemptTimeout => Remaining < _limits.AttemptTimeout ? Remaining : _limits.AttemptTimeout;
}

/// <summary>
/// Tries a platform call as every adapter does: the first attempt waits for the account's turn
/// (<see cref="CallPacer"/>), which is queueing, so the budget starts after it; an attempt that
/// fails transiently is tried again after a jittered exponential backoff (base, 2×base, 4×base…,
/// each 80-120 %, so retries do not line up), each retry waiting its turn too, up to
/// <see cref="CallLimits.MaxAttempts"/> attempts; a backoff or a turn that would outrun the budget
/// ends the call instead. A final outcome (success or refusal) ends it at once: the platform will say
/// no again, and QQ counts every call. Throws only when the caller cancels.
/// </summary>
public sealed class CallAttempts(CallPacer pacer, TimeProvider time, TimeSpan retryBaseDelay)
{
    /// <summary>A call's time as its errors say it: "5 s", "0.25 s".</summary>
    public static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    /// <summary>Where a call went as its errors say it: scheme, host and port only (user info or a query in a configured URL could be a credential).</summary>
    public static string Origin(Uri uri) => $"{uri.Scheme}://{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>An HTTP answer's status as errors say it: "HTTP 503 Service Unavailable" (Core knows no HTTP client: the code and reason are passed).</summary>
    public static string Status(int code, string? reason) =>
        $"HTTP {code.ToString(CultureInfo.InvariantCulture)} {reason}".TrimEnd();

    /// <summary>
    /// Runs <paramref name="attempt"/> until it comes to something final, or attempts or budget run out;
    /// <paramref name="retrying"/> hears of each retry before its backoff (the attempt that failed,
    /// counted from 1, its error, the backoff).
    /// </summary>
    public async Task<CallTried<T>> RunAsync<T>(
        CallLimits limits,
        Func<CallTime, CancellationToken, Task<T>> attempt,
        Action<int, string, TimeSpan>? retrying,
        CancellationToken cancellationToken)
        where T : IAttemptOutcome
    {
        var maxAttempts = Math.Max(1, limits.MaxAttempts);
        await pacer.WaitAsync(limits.Bot, limits.PerSecond, cancellationToken).ConfigureAwait(false);
        var clock = new CallTime(time, limits);
        for (var attempts = 1; ; attempts++)
        {
            var outcome = await attempt(clock, cancellationToken).ConfigureAwait(false);
            if (!outcome.Transient)
            {
                return new CallTried<T>(outcome, attempts, CallEnd.Answered);
            }

            if (attempts >= maxAttempts)
            {
                return new CallTried<T>(outcome, attempts, CallEnd.OutOfAttempts);
            }

            // A retry whose backoff alone would outrun the budget is not worth waiting for.
            var backoff = Backoff(attempts);
            if (backoff >= clock.Remaining)
            {
                return new CallTried<T>(outcome, attempts, CallEnd.OutOfBudget);
            }

            retrying?.Invoke(attempts, outcome.Error ?? "failed", backoff);
            await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
            if (!await TurnAsync(limits, clock.Remaining, cancellationToken).ConfigureAwait(false))
            {
                return new CallTried<T>(outcome, attempts, CallEnd.OutOfBudget);
            }
        }
    }

    /// <summary>A retry still counts against the account's pace, and the wait for its turn against the budget: false when the budget runs out first.</summary>
    private async Task<bool> TurnAsync(CallLimits limits, TimeSpan remaining, CancellationToken cancellationToken)
    {
        using var deadline = new Deadline(remaining, time, cancellationToken);
        try
        {
            await pacer.WaitAsync(limits.Bot, limits.PerSecond, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private TimeSpan Backoff(int failedAttempts) =>
        retryBaseDelay * (Math.Pow(2, failedAttempts - 1) * (0.8 + (0.4 * Random.Shared.NextDouble())));
}
