namespace GroupGuard.Host.Commands;

/// <summary>
/// The answers the bot sent to commands in each group over the last <see cref="Window"/> (the rate
/// limit's minute, on the injected clock), so a burst of one command (20 admins typing /gg 帮助 at
/// once) draws one answer, not twenty lines the same: an answer the same as one sent in the group
/// within the window, to the same question, is not sent again. Another answer, or the same words
/// answering another question (检查 of two texts, both 不会命中), goes out as ever.
/// </summary>
internal sealed class RecentAnswers(TimeProvider time)
{
    public static readonly TimeSpan Window = CommandLimiter.Window;

    // At most 20 commands a minute in a group: few answers are kept. Swept of old ones past this many.
    private const int SweepThreshold = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _sent = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether to send <paramref name="answer"/> to <paramref name="asked"/> in the group: true, and
    /// kept as sent at <paramref name="at"/> (now), unless the same was sent within the window; then
    /// false, and <paramref name="at"/> is when it was.
    /// </summary>
    public bool TryTake(string platform, string groupId, string asked, string answer, out DateTimeOffset at)
    {
        var key = Key(platform, groupId, asked, answer);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_sent.TryGetValue(key, out at) && at > now - Window)
            {
                return false;
            }

            if (_sent.Count >= SweepThreshold)
            {
                foreach (var (old, sent) in _sent)
                {
                    if (sent <= now - Window)
                    {
                        _sent.Remove(old);
                    }
                }
            }

            _sent[key] = at = now;
            return true;
        }
    }

    /// <summary>The answer taken at <paramref name="at"/> was not sent after all: the next one the same goes out.</summary>
    public void Forget(string platform, string groupId, string asked, string answer, DateTimeOffset at)
    {
        var key = Key(platform, groupId, asked, answer);
        lock (_gate)
        {
            if (_sent.TryGetValue(key, out var sent) && sent == at)
            {
                _sent.Remove(key);
            }
        }
    }

    private static string Key(string platform, string groupId, string asked, string answer) =>
        string.Join('\n', platform, groupId, asked, answer);
}
