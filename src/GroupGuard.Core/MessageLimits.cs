using System.Globalization;

namespace GroupGuard.Core;

/// <summary>
/// How much of an inbound message every adapter reads, whatever the protocol. Every value is far
/// above what a QQ or WeChat client can send, so only a forged or broken event meets one; without
/// them one delivery could hold a request thread, stretch escalation windows or fill the store.
/// </summary>
public static class MessageLimits
{
    /// <summary>
    /// Characters in an id (bot, group, user, message). QQ numbers and message ids are at most 20
    /// digits, openids and WeChat ids a few dozen characters; ids are stored and logged with every incident.
    /// </summary>
    public const int MaxIdLength = 64;

    /// <summary>
    /// Characters in a platform's name (<see cref="ChatMessage.Platform"/>). The adapters name their
    /// own (<c>qq</c>, <c>wecom</c>), but OneBot v12's <c>self.platform</c> is whatever the bridge
    /// writes (<c>wechat</c>, <c>telegram</c>); the name is stored with every incident and message
    /// count, keys the dry-run switches and labels metrics, and the console takes no longer one.
    /// </summary>
    public const int MaxPlatformLength = 32;

    /// <summary>
    /// How far a message's time may be ahead of the server clock before the message is refused.
    /// Bridges send QQ's (or WeCom's) server time, so a message ahead of this machine's clock means
    /// this clock is behind: set wrong, or a local time zone taken for UTC (up to 14 hours). Such
    /// messages are moderated all the same, and <c>/healthz</c> says the clock is behind
    /// (<see cref="MaxMinutesAhead"/>); refused at 10 minutes, as they were, every message was, while
    /// the sender took the 400 for final. More than a day ahead is a forged or broken time, which
    /// would stretch escalation windows and retention.
    /// </summary>
    public const int MaxHoursAhead = 24;

    /// <summary>
    /// How far a message's time may be ahead of the server clock as clock drift; more, and the
    /// clock of this machine is taken to be behind: <c>/healthz</c> names the adapter, and the log says so.
    /// </summary>
    public const int MaxMinutesAhead = 10;

    /// <summary>
    /// How far a message's time may be behind the server clock. A redelivery after a bot's downtime
    /// is hours old, not weeks; a time years back would fall out of escalation windows at once and
    /// be due for retention on arrival.
    /// </summary>
    public const int MaxDaysBehind = 7;

    /// <summary>
    /// UTF-16 characters of text one message may hand to moderation (<see cref="ChatMessage.ScanText"/>).
    /// More is refused rather than cut, which would hide the rest from the rules.
    /// </summary>
    public const int MaxTextLength = 65_536;

    /// <summary>Segments read per message; more is refused, since skipping them would hide them from the rules.</summary>
    public const int MaxSegments = 10_000;

    /// <summary>Distinct users kept in a message's mentions; later ones are dropped, the text around them is still read.</summary>
    public const int MaxMentions = 1_000;

    /// <summary>Images kept per message; later ones are dropped.</summary>
    public const int MaxImages = 100;

    /// <summary>Cards kept per message; later ones are dropped.</summary>
    public const int MaxCards = 100;

    /// <summary>Whether a message's time is ahead of the server clock by more than drift (<see cref="MaxMinutesAhead"/>).</summary>
    public static bool AheadOfClock(DateTimeOffset time, DateTimeOffset now) => time - now > TimeSpan.FromMinutes(MaxMinutesAhead);

    /// <summary>
    /// Why a message's time cannot be taken against the server clock <paramref name="now"/>, naming
    /// <paramref name="field"/> as the protocol calls it, or null when it is plausible.
    /// </summary>
    public static string? TimeProblem(string field, DateTimeOffset time, DateTimeOffset now)
    {
        if (time - now > TimeSpan.FromHours(MaxHoursAhead))
        {
            return $"field '{field}' {Utc(time)} is more than {MaxHoursAhead} hours ahead of the server clock {Utc(now)}";
        }

        return now - time > TimeSpan.FromDays(MaxDaysBehind)
            ? $"field '{field}' {Utc(time)} is more than {MaxDaysBehind} days behind the server clock {Utc(now)}"
            : null;
    }

    /// <summary>
    /// Why <paramref name="id"/> (an id, or a platform's name with <see cref="MaxPlatformLength"/>)
    /// cannot be taken, naming <paramref name="field"/> as the protocol calls it, or null when it can:
    /// longer than <paramref name="maxLength"/>, or holding a control character. No id has one, and a
    /// NUL above all is refused by PostgreSQL in text, where it would fail the message's every write;
    /// a line break would forge a log line. Every adapter refuses such an event (a 400 naming the field).
    /// </summary>
    public static string? IdProblem(string field, string id, int maxLength = MaxIdLength)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length > maxLength
            ? $"field '{field}' is longer than {maxLength} characters"
            : id.Any(char.IsControl)
                ? $"field '{field}' holds a control character, which no id has"
                : null;
    }

    /// <summary>What the rules would read of a message (<see cref="ChatMessage.ScanText"/>), counted without building it.</summary>
    public static long ScanLength(ChatMessage message)
    {
        long length = message.Text.Length;
        foreach (var card in message.Cards)
        {
            length += (card.Title?.Length ?? 0) + (card.Description?.Length ?? 0) + (card.Url?.Length ?? 0);
        }

        return length;
    }

    private static string Utc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Characters of a name a platform's API gives (an applicant's nickname) that are kept; the rest is cut.</summary>
    public const int MaxNameLength = 256;
}
