using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Detection;

/// <summary>
/// Rules over the message stream: floods, the same text repeated across groups, @all from members.
/// Its memory is keyed by sender, not by rule set, so it survives a rule reload; it is bounded:
/// senders quiet for longer than the longest window are forgotten, and past <c>maxSenders</c> the
/// oldest are dropped. Several instances on one database share the stream instead
/// (<see cref="IStreamLog"/>): a flood split between them is still one flood.
/// </summary>
public sealed class StreamTracker(int maxSenders = 100_000, IStreamLog? shared = null)
{
    /// <summary>Texts shorter than this (folded) are never "the same text" (收到, 好的, +1).</summary>
    private const int MinRepeatLength = 4;

    private const int MaxRemembered = 1000;

    private readonly Dictionary<string, Queue<DateTimeOffset>> _floods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _repeats = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _observed;
    private long _sharedFailures;

    /// <summary>Records the message and returns the stream rules it trips.</summary>
    public IReadOnlyList<RuleHit> Observe(RuleSet rules, ChatMessage message)
    {
        if (rules.StreamRules.Count == 0)
        {
            return [];
        }

        List<RuleHit>? hits = null;

        lock (_lock)
        {
            Sweep(rules, message.Time);
            var forgetBefore = message.Time.AddSeconds(-rules.LongestStreamWindow);
            var floodTimes = Remember(_floods, SenderInGroup(message), message.Time, forgetBefore);
            Queue<DateTimeOffset>? repeatTimes = null;
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
                        Add(ref hits, FloodHit(rule, CountSince(floodTimes, message.Time.AddSeconds(-stream.Seconds))));

                        break;
                    case StreamKind.Repeat:
                        var folded = TextFolder.Plain.FoldToString(message.Text);
                        if (folded.Length < MinRepeatLength)
                        {
                            break;
                        }

                        repeatTimes ??= Remember(_repeats, $"{message.Platform}|{message.UserId}|{folded}", message.Time, forgetBefore);
                        Add(ref hits, RepeatHit(rule, CountSince(repeatTimes, message.Time.AddSeconds(-stream.Seconds)), message));

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
            return await ObserveSharedAsync(shared, rules, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The shared log is out of reach: count in this instance's memory rather than not at
            // all; the health report shows how often that happened.
            Interlocked.Increment(ref _sharedFailures);
            return Observe(rules, message);
        }
    }

    /// <summary>One member in one group on one platform, as a key: the stream a flood is counted in.</summary>
    internal static string SenderInGroup(ChatMessage message) => $"{message.Platform}|{message.GroupId}|{message.UserId}";

    /// <summary>Messages whose streams were counted in memory because the shared log failed.</summary>
    public long SharedFailures => Interlocked.Read(ref _sharedFailures);

    private static async Task<IReadOnlyList<RuleHit>> ObserveSharedAsync(IStreamLog shared, RuleSet rules, ChatMessage message, CancellationToken cancellationToken)
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
                    var inWindow = await shared.RecordAsync(floodStream, messageKey, message.Time, message.Time.AddSeconds(-stream.Seconds), cancellationToken).ConfigureAwait(false);
                    Add(ref hits, FloodHit(rule, inWindow));

                    break;
                case StreamKind.Repeat:
                    var folded = TextFolder.Plain.FoldToString(message.Text);
                    if (folded.Length < MinRepeatLength)
                    {
                        break;
                    }

                    // The text can be long: the shared key holds its hash.
                    repeatStream ??= $"repeat|{message.Platform}|{message.UserId}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(folded)))}";
                    var repeated = await shared.RecordAsync(repeatStream, $"{message.GroupId}|{messageKey}", message.Time, message.Time.AddSeconds(-stream.Seconds), cancellationToken).ConfigureAwait(false);
                    Add(ref hits, RepeatHit(rule, repeated, message));

                    break;
                case StreamKind.MentionAll:
                    Add(ref hits, MentionAllHit(rule, message));
                    break;
            }
        }

        return hits ?? (IReadOnlyList<RuleHit>)[];
    }

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

    /// <summary>
    /// Adds <paramref name="time"/> to the stream's times, and drops those from before any rule's
    /// window (<paramref name="forgetBefore"/>) at its head: a member who talks all day keeps only
    /// the last window's messages, so counting them stays short.
    /// </summary>
    private static Queue<DateTimeOffset> Remember(Dictionary<string, Queue<DateTimeOffset>> map, string key, DateTimeOffset time, DateTimeOffset forgetBefore)
    {
        if (!map.TryGetValue(key, out var times))
        {
            times = new Queue<DateTimeOffset>();
            map[key] = times;
        }

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

    private static int CountSince(Queue<DateTimeOffset> times, DateTimeOffset since) => times.Count(t => t > since);

    /// <summary>Every few thousand messages: forget senders quiet for longer than any window; enforce the bound.</summary>
    private void Sweep(RuleSet rules, DateTimeOffset now)
    {
        if (++_observed % 4096 != 0 && _floods.Count + _repeats.Count <= maxSenders)
        {
            return;
        }

        var cutoff = now.AddSeconds(-Math.Max(rules.LongestStreamWindow, 60));
        foreach (var map in new[] { _floods, _repeats })
        {
            foreach (var key in map.Where(p => p.Value.Count == 0 || p.Value.Last() <= cutoff).Select(p => p.Key).ToList())
            {
                map.Remove(key);
            }

            if (map.Count > maxSenders / 2)
            {
                foreach (var key in map.OrderBy(p => p.Value.Last()).Take(map.Count - maxSenders / 4).Select(p => p.Key).ToList())
                {
                    map.Remove(key);
                }
            }
        }
    }
}
