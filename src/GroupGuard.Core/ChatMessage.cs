using System.Text.Json.Serialization;

namespace GroupGuard.Core;

/// <summary>The role of a message's sender in its group, as far as the platform told us.</summary>
public enum SenderRole
{
    Unknown = 0,
    Member,
    Admin,
    Owner,
}

/// <summary>
/// One group message, platform-neutral: what every adapter produces and the detector reads.
/// Ids are strings on every platform (OneBot v11 numbers are written in invariant decimal).
/// </summary>
public sealed record ChatMessage
{
    /// <summary><c>qq</c> for OneBot v11; the <c>self.platform</c> of OneBot v12 (e.g. <c>wechat</c>).</summary>
    public required string Platform { get; init; }

    /// <summary>The wire protocol it came in on.</summary>
    public required Protocol Protocol { get; init; }

    public required string BotId { get; init; }
    public required string GroupId { get; init; }
    public string? GroupName { get; init; }
    public required string UserId { get; init; }
    public SenderRole SenderRole { get; init; }

    /// <summary>Group card when set, else nickname.</summary>
    public string? SenderName { get; init; }

    public required string MessageId { get; init; }

    /// <summary>When the platform says the message was sent.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The message's text segments joined, unescaped: what a reader sees as text.</summary>
    public required string Text { get; init; }

    /// <summary>User ids mentioned with @ (not including @all).</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    public bool MentionsAll { get; init; }

    /// <summary>Message id this one replies to, when it is a reply.</summary>
    public string? ReplyTo { get; init; }

    public IReadOnlyList<ImageRef> Images { get; init; } = [];

    /// <summary>Link and mini-program cards (OneBot <c>json</c>/<c>xml</c>/<c>share</c> segments): often ads.</summary>
    public IReadOnlyList<CardContent> Cards { get; init; } = [];

    /// <summary>Forwarded bundles (QQ 合并转发) the message carries, to be opened and moderated with it.</summary>
    public IReadOnlyList<Forwards.ForwardRef> Forwards { get; init; } = [];

    /// <summary>
    /// Set when this is not a message but a request to join the group (its comment as
    /// <see cref="Text"/>, the applicant as <see cref="UserId"/>): screened, never moderated.
    /// </summary>
    public Members.JoinRequestInfo? JoinRequest { get; init; }

    /// <summary>
    /// For a message pulled from a source that is read by position (WeCom's chat archive and its
    /// <c>seq</c>): where the source stands once this message is taken. The inbox journal keeps it
    /// with the message, so the puller resumes after the last message journaled: a crash neither
    /// skips nor repeats one.
    /// </summary>
    public SourceCursor? Cursor { get; init; }

    /// <summary>
    /// The group's own number for the message, the same whichever of the operator's accounts heard
    /// it (QQ's message sequence: OneBot v11's <c>real_seq</c> as NapCat sends it, Milky's
    /// <c>message_seq</c>); null where the event has none. See <see cref="CopyKey"/>.
    /// </summary>
    public string? GroupSequence { get; init; }

    /// <summary>
    /// The key under which the same group message heard by another of the operator's bots is
    /// recognised (two bots in one group each deliver it, under message ids of their own): platform,
    /// group, sender and <see cref="GroupSequence"/>; null without one, or for a join request.
    /// </summary>
    [JsonIgnore]
    public string? CopyKey => GroupSequence is { Length: > 0 } sequence && JoinRequest is null
        ? $"copy|{Platform}|{GroupId}|{UserId}|{sequence}"
        : null;

    /// <summary>
    /// The key under which a redelivery of the same event is recognised: protocol, bot, group,
    /// message id and the event's time to the millisecond (Milky numbers messages per group).
    /// </summary>
    [JsonIgnore]
    public string DedupeKey => $"{WireNames<Protocol>.ToText(Protocol)}|{BotId}|{GroupId}|{MessageId}|{Time.ToUnixTimeMilliseconds()}";

    /// <summary>The text the rules see: the message text, then the text carried by cards.</summary>
    [JsonIgnore]
    public string ScanText
    {
        get
        {
            if (Cards.Count == 0)
            {
                return Text;
            }

            var parts = new List<string>(1 + Cards.Count * 3) { Text };
            foreach (var card in Cards)
            {
                if (!string.IsNullOrEmpty(card.Title)) parts.Add(card.Title);
                if (!string.IsNullOrEmpty(card.Description)) parts.Add(card.Description);
                if (!string.IsNullOrEmpty(card.Url)) parts.Add(card.Url);
            }

            return string.Join('\n', parts);
        }
    }
}

public sealed record ImageRef(string File, string? Url, string? Summary);

/// <summary>A position in a pulled source: <paramref name="Source"/> names it (<c>wecom:CORPID</c>), <paramref name="Position"/> is how far it has been read.</summary>
public sealed record SourceCursor(string Source, long Position);

/// <summary>A card's human-visible content. <paramref name="Kind"/> is the segment type (json, xml, share…).</summary>
public sealed record CardContent(string Kind, string? Title, string? Description, string? Url);
