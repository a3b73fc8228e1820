using GroupGuard.Core;
using GroupGuard.Core.Commands;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Commands;

/// <summary>What <see cref="RecentTexts"/> remembers of one message: the text the rules read, and what they did not.</summary>
/// <param name="Text">The text the rules read (<see cref="ChatMessage.ScanText"/>: its text, then its cards'), or the pieces it completed joined; empty when longer than <see cref="GroupCommandParser.MaxCheckLength"/>.</param>
/// <param name="Length">The length of that text, kept when the text itself is not.</param>
/// <param name="Command">It was an owner's or admin's command, answered and not moderated.</param>
/// <param name="Pictures">It carried pictures, which are read apart from the text (and <c>检查</c> does not read).</param>
/// <param name="Forwards">It carried forwarded chats, opened apart from the text.</param>
/// <param name="EarlierPieces">It completed a message sent in pieces: how many of the sender's short messages before it were read joined to it.</param>
internal sealed record RecentText(string Text, int Length, bool Command, bool Pictures, bool Forwards, int EarlierPieces = 0)
{
    /// <summary>Whether the text is longer than one <c>检查</c> checks (and so not kept).</summary>
    public bool TooLong => Length > GroupCommandParser.MaxCheckLength;
}

/// <summary>
/// The text of the group messages the moderator took in lately, by the message (platform, bot,
/// group, id), so that <c>/gg 检查</c> sent as a reply checks the message replied to as GroupGuard
/// received and moderated it, without the admin copying it out.
/// <para>
/// Why a map of its own, in memory: the text is at hand in the moderator for every message, and a
/// reply comes mostly within minutes of what it quotes. The incident store holds text only of the
/// messages that hit, and as <c>GroupGuard:Privacy:StoreText</c> and retention leave it (masked, cut to
/// a window, or gone); a picture's incident holds the text read off the picture, a forwarded hit's
/// the inner message's. The bridges' <c>get_msg</c> (OneBot v11) and <c>get_message</c> (Milky) are
/// not among the calls the action clients make, and a message fetched again may be one the bridge
/// has since lost. So this map first; a message it no longer has is answered from its incidents, what
/// the rules found then (not the stored text checked again), or as unknown.
/// </para>
/// <para>
/// Bounded, whichever comes first: the last <see cref="MaxMessages"/> messages of the whole service,
/// none older than <see cref="MaxAge"/> on the injected clock, and at most
/// <see cref="MaxCharacters"/> characters of text together (a text longer than one <c>检查</c> checks
/// keeps only its length), the oldest forgotten first; so about 2 MB at most. Nothing is written to
/// disk, nothing survives a restart, and nothing is kept while commands are off or under
/// <c>GroupGuard:Privacy:StoreText</c> <c>none</c>: no chat text is
/// kept longer than the pipeline keeps it already (the inbox journal holds it until moderated).
/// </para>
/// </summary>
internal sealed class RecentTexts
{
    public const int DefaultMaxMessages = 2_000;
    public const int DefaultMaxCharacters = 500_000;
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(30);

    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CommandsOptions> _options;
    private readonly IOptionsMonitor<PrivacyOptions>? _privacy;
    private readonly Lock _gate = new();
    private readonly Dictionary<GroupMessageRef, LinkedListNode<Entry>> _entries = [];

    // Oldest first: the first one is the first to go.
    private readonly LinkedList<Entry> _order = new();
    private long _characters;

    public RecentTexts(TimeProvider time, IOptionsMonitor<CommandsOptions> options, IOptionsMonitor<PrivacyOptions> privacy)
        : this(time, options, DefaultMaxMessages, DefaultMaxCharacters, DefaultMaxAge, privacy)
    {
    }

    internal RecentTexts(TimeProvider time, IOptionsMonitor<CommandsOptions> options, int maxMessages, int maxCharacters, TimeSpan maxAge, IOptionsMonitor<PrivacyOptions>? privacy = null)
    {
        _time = time;
        _options = options;
        _privacy = privacy;
        MaxMessages = maxMessages;
        MaxCharacters = maxCharacters;
        MaxAge = maxAge;
    }

    public int MaxMessages { get; }

    public int MaxCharacters { get; }

    public TimeSpan MaxAge { get; }

    /// <summary>
    /// Notes <paramref name="message"/> as the moderator took it in; <paramref name="command"/>: it
    /// was an owner's or admin's command, answered and not moderated. A message of an id noted
    /// before (a bridge that reuses ids after a restart) replaces it.
    /// </summary>
    public void Record(ChatMessage message, bool command)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Keeps)
        {
            return;
        }

        Remember(message, message.ScanText, command, earlierPieces: 0);
    }

    /// <summary>
    /// <paramref name="message"/> completed a message sent in pieces: what the rules read is
    /// <paramref name="joined"/>, it and the <paramref name="earlierPieces"/> short messages before
    /// it, and so what <c>检查</c> checks in reply to it.
    /// </summary>
    public void Joined(ChatMessage message, string joined, int earlierPieces)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(joined);
        if (!Keeps)
        {
            return;
        }

        Remember(message, joined, command: false, earlierPieces);
    }

    /// <summary>
    /// Whether texts are kept: while commands are on, and unless the operator chose to keep no text
    /// of messages (<c>GroupGuard:Privacy:StoreText</c> <c>none</c>), which a copy in memory for half
    /// an hour would go against; a reply is then answered from its incidents, which keep none either.
    /// </summary>
    private bool Keeps => _options.CurrentValue.Enabled && _privacy?.CurrentValue.StoreText != StoreText.None;

    /// <summary>What is remembered of the message, or null when it is not (never seen, or forgotten by the bounds).</summary>
    public RecentText? Find(GroupMessageRef message)
    {
        lock (_gate)
        {
            ForgetOldLocked(_time.GetUtcNow());
            return _entries.TryGetValue(message, out var node) ? node.Value.Text : null;
        }
    }

    /// <summary>How many messages are remembered now (for tests of the bounds).</summary>
    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    private void Remember(ChatMessage message, string text, bool command, int earlierPieces)
    {
        var kept = text.Length > GroupCommandParser.MaxCheckLength ? "" : text;
        var remembered = new RecentText(kept, text.Length, command, message.Images.Count > 0, message.Forwards.Count > 0, earlierPieces);
        var key = new GroupMessageRef(message.Platform, message.BotId, message.GroupId, message.MessageId);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_entries.Remove(key, out var old))
            {
                _characters -= old.Value.Text.Text.Length;
                _order.Remove(old);
            }

            _entries[key] = _order.AddLast(new Entry(key, remembered, now));
            _characters += kept.Length;
            ForgetOldLocked(now);
            while (_order.First is { } oldest && (_entries.Count > MaxMessages || _characters > MaxCharacters))
            {
                ForgetLocked(oldest);
            }
        }
    }

    private void ForgetOldLocked(DateTimeOffset now)
    {
        while (_order.First is { } oldest && oldest.Value.SeenAt < now - MaxAge)
        {
            ForgetLocked(oldest);
        }
    }

    private void ForgetLocked(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Key);
        _order.Remove(node);
        _characters -= node.Value.Text.Text.Length;
    }

    private sealed record Entry(GroupMessageRef Key, RecentText Text, DateTimeOffset SeenAt);
}
