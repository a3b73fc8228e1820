using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Detection;

/// <summary>
/// How many messages a flood or repeat <paramref name="Rule"/>'s window held at a message, that one
/// included, and the <paramref name="Stream"/> they were counted in (one sender in one group for a
/// flood, one sender's text for a repeat): the same stream, the same messages.
/// </summary>
public readonly record struct StreamCount(Rule Rule, string Stream, int Count);

/// <summary>
/// Rules over the message stream: floods, the same text repeated across groups, @all from members.
/// Its memory is keyed by sender, not by rule set, so it survives a rule reload; it is bounded:
/// senders quiet for longer than the longest window are forgotten, and past <c>maxSenders</c>
/// (half for floods, half for repeated texts) the one quiet the longest is dropped, each at the
/// cost of one step whatever the number remembered; a repeated text is remembered by its hash, not
/// the text (which can be 65,536 characters). Several instances on one database share the stream instead
/// (<see cref="IStreamLog"/>): a flood split between them is still one flood. A message counts at
/// its own time, but never later than <paramref name="time"/>'s now (<see cref="CountedTime"/>).
/// </summary>
public sealed class StreamTracker(int maxSenders = StreamTracker.DefaultMaxSenders, IStreamLog? shared = null, TimeProvider? time = null)
{
    /// <summary>How many senders' streams the service remembers at most (half floods, half repeated texts).</summary>
    public const int DefaultMaxSenders = 100_000;

    /// <summary>Texts shorter than this (folded) are never "the same text" (收到, 好的, +1).</summary>
    private const int MinRepeatLength = 4;

    private const int MaxRemembered = 1000;

    private readonly Streams _floods = new(Math.Max(1, maxSenders / 2));
    private readonly Streams _repeats = new(Math.Max(1, maxSenders - (maxSenders / 2)));
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock = time ?? TimeProvider.System;
    private long _sharedFailures;

    /// <summary>
    /// Records the message and returns the stream rules it trips. With <paramref name="counts"/>,
    /// also adds there, for each flood and repeat rule that applies in the message's group, how many
    /// messages its window holds now, this one included, and which stream they were counted in,
    /// whether the rule tripped or not (a repeat rule's none for a text too short to count): for
    /// <c>scan --chat</c>, which says how close a rule came and which messages it counted.
    /// </summary>
    public IReadOnlyList<RuleHit> Observe(RuleSet rules, ChatMessage message, List<StreamCount>? counts = null)
    {
        if (rules.StreamRules.Count == 0)
        {
            return [];
        }

        List<RuleHit>? hits = null;
        var at = CountedTime(message);

        lock (_lock)
        {
            // Senders quiet for longer than any window (and a minute) are forgotten as time passes.
            var quietSince = at.AddSeconds(-Math.Max(rules.LongestStreamWindow, 60));
            _floods.ForgetQuietSince(quietSince);
            _repeats.ForgetQuietSince(quietSince);
            var forgetBefore = at.AddSeconds(-rules.LongestStreamWindow);
            var floodTimes = _floods.Remember(SenderInGroup(message), at, forgetBefore);
            Queue<DateTimeOffset>? repeatTimes = null;
            string? repeatKey = null;
            foreach (var rule in rules.StreamRules)
            {
                if (!rule.Groups.Covers(message.GroupId))
                {
                    continue;
                }

                var stream = rule.Stream!;
                switch (stream.Kind)
                {
                    case StreamKind.Flood:
                        var inWindow = CountSince(floodTimes, at.AddSeconds(-stream.Seconds));
                        counts?.Add(new StreamCount(rule, "flood|" + SenderInGroup(message), inWindow));
                        Add(ref hits, FloodHit(rule, inWindow));

                        break;
                    case StreamKind.Repeat:
                        var folded = TextFolder.Plain.FoldToString(message.Text);
                        if (folded.Length < MinRepeatLength)
                        {
                            break;
                        }

                        // The text can be long (65,536 characters): the stream is keyed by its hash.
                        repeatKey ??= $"{message.Platform}|{message.UserId}|{TextHash(folded)}";
                        repeatTimes ??= _repeats.Remember(repeatKey, at, forgetBefore);
                        var repeated = CountSince(repeatTimes, at.AddSeconds(-stream.Seconds));
                        counts?.Add(new StreamCount(rule, "repeat|" + repeatKey, repeated));
                        Add(ref hits, RepeatHit(rule, repeated, message));

                        break;
                    case StreamKind.MentionAll:
                        Add(ref hits, MentionAllHit(rule, message));
                        break;
                }
            }
        }

        return hits ?? (IReadOnlyList<RuleHit>)[];
    }

    /// <summary>
    /// Records the message and returns the stream rules it trips: in this process's memory, or in
    /// the <see cref="IStreamLog"/> all instances share, where a message delivered to two instances
    /// counts once.
    /// </summary>
    public async ValueTask<IReadOnlyList<RuleHit>> ObserveAsync(RuleSet rules, ChatMessage message, CancellationToken cancellationToken)
    {
        if (shared is null || rules.StreamRules.Count == 0)
        {
            return Observe(rules, message);
        }

        try
        {
            return await ObserveSharedAsync(shared, rules, message, CountedTime(message), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The shared log is out of reach: count in this instance's memory rather than not at
            // all; the health report shows how often that happened.
            Interlocked.Increment(ref _sharedFailures);
            return Observe(rules, message);
        }
    }

    /// <summary>
    /// When <paramref name="message"/> counts in its streams: at its own time, but never later than
    /// now. The streams are kept in the order messages arrive, and the quiet are forgotten from the
    /// front: one message stamped far ahead (a platform's clock that jumped, a replay with a wrong
    /// time) would make every other sender look long quiet, forgetting the floods under way, and
    /// in the shared log it would stay in every window until its time came.
    /// </summary>
    private DateTimeOffset CountedTime(ChatMessage message) => CountedTime(message, _clock);

    /// <summary>The same for <see cref="MessagePieces"/>, which keeps its senders in the order they spoke too.</summary>
    internal static DateTimeOffset CountedTime(ChatMessage message, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return message.Time > now ? now : message.Time;
    }

    /// <summary>One member in one group on one platform, as a key: the stream a flood is counted in.</summary>
    internal static string SenderInGroup(ChatMessage message) => $"{message.Platform}|{message.GroupId}|{message.UserId}";

    /// <summary>Messages whose streams were counted in memory because the shared log failed.</summary>
    public long SharedFailures => Interlocked.Read(ref _sharedFailures);

    private static async Task<IReadOnlyList<RuleHit>> ObserveSharedAsync(IStreamLog shared, RuleSet rules, ChatMessage message, DateTimeOffset at, CancellationToken cancellationToken)
    {
        List<RuleHit>? hits = null;
        var messageKey = string.Create(CultureInfo.InvariantCulture, $"{message.MessageId}|{message.Time.ToUnixTimeMilliseconds()}");
        var floodStream = "flood|" + SenderInGroup(message);
        string? repeatStream = null;
        foreach (var rule in rules.StreamRules)
        {
            if (!rule.Groups.Covers(message.GroupId))
            {
                continue;
            }

            var stream = rule.Stream!;
            switch (stream.Kind)
            {
                case StreamKind.Flood:
                    var inWindow = await shared.RecordAsync(floodStream, messageKey, at, at.AddSeconds(-stream.Seconds), cancellationToken).ConfigureAwait(false);
                    Add(ref hits, FloodHit(rule, inWindow));

                    break;
                case StreamKind.Repeat:
                    var folded = TextFolder.Plain.FoldToString(message.Text);
                    if (folded.Length < MinRepeatLength)
                    {
                        break;
                    }

                    // The text can be long: the shared key holds its hash.
                    repeatStream ??= $"repeat|{message.Platform}|{message.UserId}|{TextHash(folded)}";
                    var repeated = await shared.RecordAsync(repeatStream, $"{message.GroupId}|{messageKey}", at, at.AddSeconds(-stream.Seconds), cancellationToken).ConfigureAwait(false);
                    Add(ref hits, RepeatHit(rule, repeated, message));

                    break;
                case StreamKind.MentionAll:
                    Add(ref hits, MentionAllHit(rule, message));
                    break;
            }
        }

        return hits ?? (IReadOnlyList<RuleHit>)[];
    }

    /// <summary>A folded text as a repeat stream knows it: its SHA-256, in hex.</summary>
    private static string TextHash(string folded) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(folded)));

    /// <summary>More messages in the window than the rule allows.</summary>
    private static RuleHit? FloodHit(Rule rule, int inWindow) =>
        inWindow > rule.Stream!.Count
            ? new RuleHit(rule, string.Create(CultureInfo.InvariantCulture, $"{inWindow} messages in {rule.Stream.Seconds} s"), 0, 0)
            : null;

    /// <summary>The same text as often as the rule says, within its window.</summary>
    private static RuleHit? RepeatHit(Rule rule, int repeated, ChatMessage message) =>
        repeated >= rule.Stream!.Count
            ? new RuleHit(rule, string.Create(CultureInfo.InvariantCulture, $"the same text {repeated} times in {rule.Stream.Seconds} s"), 0, message.Text.Length)
            : null;

    /// <summary>@all from a member (owners and admins may).</summary>
    private static RuleHit? MentionAllHit(Rule rule, ChatMessage message) =>
        message.MentionsAll && message.SenderRole is not (SenderRole.Owner or SenderRole.Admin) ? new RuleHit(rule, "@all", 0, 0) : null;

    private static void Add(ref List<RuleHit>? hits, RuleHit? hit)
    {
        if (hit is not null)
        {
            (hits ??= []).Add(hit);
        }
    }

    /// <summary>The longest key a stream is remembered by (for tests of the bound).</summary>
    internal int LongestKey
    {
        get
        {
            lock (_lock)
            {
                return Math.Max(_floods.LongestKey, _repeats.LongestKey);
            }
        }
    }

    public int Senders
    {
        get
        {
            lock (_lock)
            {
                return _floods.Count + _repeats.Count;
            }
        }
    }

    private static int CountSince(Queue<DateTimeOffset> times, DateTimeOffset since)
    {
        var count = 0;
        foreach (var time in times)
        {
            if (time > since)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// The streams of one kind by key, in the order they were last seen (the quietest first), so
    /// forgetting the quiet and keeping to <paramref name="capacity"/> each take one step per
    /// stream forgotten, never a walk or a sort of all of them.
    /// </summary>
    private sealed class Streams(int capacity)
    {
        private readonly Dictionary<string, LinkedListNode<Stream>> _byKey = new(StringComparer.Ordinal);
        private readonly LinkedList<Stream> _byLastSeen = new();

        public int Count => _byKey.Count;

        public int LongestKey => _byKey.Count == 0 ? 0 : _byKey.Keys.Max(k => k.Length);

        /// <summary>
        /// Adds <paramref name="time"/> to the stream's times, and drops those from before any rule's
        /// window (<paramref name="forgetBefore"/>) at its head: a member who talks all day keeps only
        /// the last window's messages, so counting them stays short.
        /// </summary>
        public Queue<DateTimeOffset> Remember(string key, DateTimeOffset time, DateTimeOffset forgetBefore)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _byLastSeen.Remove(node);
            }
            else
            {
                if (_byKey.Count >= capacity)
                {
                    Forget(_byLastSeen.First!);
                }

                node = new LinkedListNode<Stream>(new Stream(key));
                _byKey.Add(key, node);
            }

            _byLastSeen.AddLast(node);
            var stream = node.Value;
            if (time > stream.LastSeen)
            {
                stream.LastSeen = time;
            }

            var times = stream.Times;
            while (times.Count > 0 && times.Peek() <= forgetBefore)
            {
                times.Dequeue();
            }

            times.Enqueue(time);
            if (times.Count > MaxRemembered)
            {
                times.Dequeue();
            }

            return times;
        }

        /// <summary>Forgets the streams last seen at or before <paramref name="cutoff"/>.</summary>
        public void ForgetQuietSince(DateTimeOffset cutoff)
        {
            while (_byLastSeen.First is { } quietest && quietest.Value.LastSeen <= cutoff)
            {
                Forget(quietest);
            }
        }

        private void Forget(LinkedListNode<Stream> node)
        {
            _byLastSeen.Remove(node);
            _byKey.Remove(node.Value.Key);
        }
    }

    private sealed class Stream(string key)
    {
        public string Key { get; } = key;

        public Queue<DateTimeOffset> Times { get; } = new();

        public DateTimeOffset LastSeen { get; set; }
    }
}
