namespace GroupGuard.Testing;

/// <summary>
/// How long a test waits for a signal before it gives up. Only there to turn a hang into a failure:
/// nothing in a test may depend on it passing in time, so it is generous.
/// </summary>
public static class Patience
{
    public static TimeSpan Safety { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Waits for <paramref name="task"/>, failing with <paramref name="what"/> if it hangs past the safety timeout.</summary>
    public static async Task<T> Within<T>(this Task<T> task, string what, TimeSpan? safety = null)
    {
        try
        {
            return await task.WaitAsync(safety ?? Safety).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Waited {safety ?? Safety} (the safety timeout) for {what}.", ex);
        }
    }

    /// <inheritdoc cref="Within{T}(Task{T}, string, TimeSpan?)"/>
    public static async Task Within(this Task task, string what, TimeSpan? safety = null)
    {
        try
        {
            await task.WaitAsync(safety ?? Safety).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Waited {safety ?? Safety} (the safety timeout) for {what}.", ex);
        }
    }
}
