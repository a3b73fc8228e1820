namespace GroupGuard.Core.Digests;

/// <summary>
/// How far a channel has got with a message it posts in parts (a robot's message limit). A try
/// starts after the <see cref="Count"/> parts earlier tries delivered and records each part as the
/// channel took it (<see cref="AddAsync"/>) before it posts the next: the outbox keeps the count,
/// so a retry, after a refused part or a crash, resumes after the last part delivered and never
/// posts an earlier one again. A channel that uses it must split a message the same way on every
/// try; a channel that sends one message ignores it.
/// </summary>
public sealed class DeliveredParts
{
    private readonly Func<int, Task> _record;

    /// <param name="count">The parts earlier tries delivered.</param>
    /// <param name="record">Stores the new count once a part is delivered; throws when it cannot.</param>
    public DeliveredParts(int count, Func<int, Task> record)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(record);
        Count = count;
        _record = record;
    }

    /// <summary>Nothing delivered, and nothing kept: a send that no outbox retries.</summary>
    public static DeliveredParts None => new(0, static _ => Task.CompletedTask);

    /// <summary>The parts delivered so far, by earlier tries and this one: the next part to post is this one (counting from 0).</summary>
    public int Count { get; private set; }

    /// <summary>The next part was delivered: counts it and stores the count.</summary>
    public Task AddAsync()
    {
        Count++;
        return _record(Count);
    }
}
