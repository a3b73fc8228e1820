namespace GroupGuard.Core.Detection;

/// <summary>
/// The message streams that flood and repeat rules count, kept where every instance of the service
/// sees them (PostgreSQL), so that messages split between instances add up. One instance alone
/// keeps them in memory and registers none.
/// </summary>
public interface IStreamLog
{
    /// <summary>
    /// Records that message <paramref name="messageKey"/> of <paramref name="stream"/> happened at
    /// <paramref name="time"/> (once, however often it is recorded: a redelivery to another instance
    /// is the same message), and returns how many of the stream's messages happened after
    /// <paramref name="since"/>, this one included.
    /// </summary>
    Task<int> RecordAsync(string stream, string messageKey, DateTimeOffset time, DateTimeOffset since, CancellationToken cancellationToken);
}
