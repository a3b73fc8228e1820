using System.Globalization;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Host.Rules;

/// <summary>Why a line of a chat log was not taken.</summary>
internal enum ChatProblemKind
{
    /// <summary>It does not start with a date and time.</summary>
    NoTime,

    /// <summary>It starts with a date and time that do not exist (2026-02-30).</summary>
    BadTime,

    /// <summary>No sender in angle brackets after the time.</summary>
    NoSender,

    /// <summary>A tab after the time, but no second one before the text.</summary>
    NoSecondTab,

    /// <summary>The sender is empty.</summary>
    EmptySender,

    /// <summary>The sender is longer than an id may be, or holds a control character.</summary>
    BadSender,

    /// <summary>Its time is earlier than the line before's.</summary>
    OutOfOrder,
}

/// <summary>
/// A line of a chat log that was not taken: its number and why; <paramref name="Written"/> is the
/// time as written for <see cref="ChatProblemKind.BadTime"/>, and for
/// <see cref="ChatProblemKind.OutOfOrder"/> the line's time and the earlier line's are given.
/// </summary>
internal sealed record ChatProblem(long Line, ChatProblemKind Kind, string Written = "", DateTimeOffset Time = default, long EarlierLine = 0, DateTimeOffset EarlierTime = default);

/// <summary>
/// A flood or repeat rule at one message: how many messages its window holds (this one included),
/// the lines they are on, and whether that tripped it; or, with <c>--explain</c>, how close it came.
/// </summary>
internal sealed record StreamFinding(long Line, Rule Rule, string Sender, int Count, IReadOnlyList<long> Lines, bool Fired);

/// <summary>
/// What the rules made of one line of a chat log: its message's hits (the per-message rules', an
/// @all's), the flood and repeat rules it tripped or came close to, and with <c>--explain</c> the
/// terms found that did not count; or <see cref="Problem"/>, when the line was not taken.
/// </summary>
internal sealed record ChatStep(
    long Line,
    ChatProblem? Problem,
    DateTimeOffset Time,
    string Sender,
    string Text,
    IReadOnlyList<RuleHit> Hits,
    IReadOnlyList<StreamFinding> Streams,
    IReadOnlyList<NearMiss> Misses)
{
    public bool Flagged => Hits.Count > 0 || Streams.Any(s => s.Fired);
}

/// <summary>
/// Replays a chat log through the rules as the service runs them on a group's messages: each line
/// is a message at its time from its sender, read by the per-message rules and then counted by a
/// <see cref="StreamTracker"/> of the service's bounds whose clock is the lines' own times, never
/// the wall clock. For <c>scan --chat</c> and the console's sandbox. A line is
/// <c>2026-12-01 20:15:03 &lt;10001&gt; 文字</c> or <c>2026-12-01 20:15:03&lt;TAB&gt;10001&lt;TAB&gt;文字</c>
/// (<see cref="TryParse"/>); one that is not, or that is earlier than the line before, is reported
/// and left out of the streams.
/// </summary>
internal sealed class ChatReplay
{
    private readonly RuleSet _rules;
    private readonly IWordSegmenter? _segmenter;
    private readonly string? _groupId;
    private readonly bool _explain;
    private readonly bool _messageRules;
    private readonly LineClock _clock = new();
    private readonly StreamTracker _tracker;
    private readonly StreamLines _lines = new(StreamTracker.DefaultMaxSenders);
    private readonly List<StreamCount> _counts = [];
    private readonly Dictionary<Rule, StreamFinding> _closest = new(ReferenceEqualityComparer.Instance);
    private readonly int _longestWindow;
    private DateTimeOffset? _last;
    private long _lastLine;

    /// <summary>
    /// A replay of a log in group <paramref name="groupId"/> (none: every pack's per-message rules,
    /// and the streams of the packs for every group). With <paramref name="explain"/>, each step
    /// also tells the flood and repeat rules that came close and the terms that did not count;
    /// without <paramref name="messageRules"/>, the steps hold the streams' findings only (the
    /// console reads each message's own rules itself, with how each hit matched).
    /// </summary>
    public ChatReplay(RuleSet rules, IWordSegmenter? segmenter, string? groupId, bool explain, bool messageRules = true)
    {
        _messageRules = messageRules;
        _rules = rules;
        _segmenter = segmenter;
        _groupId = groupId;
        _explain = explain;
        _tracker = new StreamTracker(StreamTracker.DefaultMaxSenders, shared: null, time: _clock);
        StreamRules = [.. rules.Packs.SelectMany(p => p.Rules).Where(r => r.Stream is not null)];
        _longestWindow = StreamRules.Select(r => r.Stream!.Seconds).DefaultIfEmpty(0).Max();
    }

    /// <summary>
    /// For each flood and repeat rule, the most messages its window held where it did not trip (two
    /// or more), at the first message that reached it: how close a rule that never fired came.
    /// </summary>
    public IReadOnlyDictionary<Rule, StreamFinding> Closest => _closest;

    /// <summary>The rule set's flood, repeat and @all rules.</summary>
    public IReadOnlyList<Rule> StreamRules { get; }

    /// <summary>
    /// Whether <paramref name="rule"/> is counted in this replay: a pack for some groups only is,
    /// in a group it covers; with no group given, not at all (the streams are counted per group).
    /// </summary>
    public bool Applies(Rule rule) => rule.Groups.Covers(_groupId ?? "");

    /// <summary>
    /// Reads line <paramref name="number"/> of the log; null for a blank line, which is no message.
    /// </summary>
    public ChatStep? Read(long number, string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        if (!TryParse(line, out var time, out var sender, out var text, out var kind, out var written))
        {
            return Problem(new ChatProblem(number, kind, written));
        }

        if (_last is { } last && time < last)
        {
            return Problem(new ChatProblem(number, ChatProblemKind.OutOfOrder, "", time, _lastLine, last));
        }

        _last = time;
        _lastLine = number;
        var message = new ChatMessage
        {
            Platform = "chat",
            Protocol = Protocol.OneBotV11,
            BotId = "scan",
            GroupId = _groupId ?? "",
            UserId = sender,
            MessageId = number.ToString(CultureInfo.InvariantCulture),
            Time = time,
            Text = text,
            MentionsAll = text.Contains("@全体成员", StringComparison.Ordinal),
            SenderRole = SenderRole.Member,
        };

        // As the service: the message's own rules first, then its streams, on a clock at its time.
        IReadOnlyList<NearMiss> misses = [];
        Verdict verdict;
        if (!_messageRules)
        {
            verdict = new Verdict(_rules.Version, []);
        }
        else if (_explain)
        {
            (verdict, misses) = MessageDetector.Explain(_rules, text, _groupId, _segmenter);
        }
        else
        {
            verdict = MessageDetector.Detect(_rules, text, _groupId, _segmenter);
        }

        _clock.Now = time;
        _counts.Clear();
        var streamHits = _tracker.Observe(_rules, message, _counts);
        var hits = new List<RuleHit>(verdict.Hits);
        hits.AddRange(streamHits.Where(h => h.Rule.Stream!.Kind == StreamKind.MentionAll));

        // The lines each stream counted: the same streams, so its last Count messages.
        var forgetBefore = time.AddSeconds(-_longestWindow);
        _lines.ForgetQuietSince(time.AddSeconds(-Math.Max(_longestWindow, 60)));
        foreach (var stream in _counts.Select(c => c.Stream).Distinct(StringComparer.Ordinal))
        {
            _lines.Record(stream, time, number, forgetBefore);
        }

        var streams = new List<StreamFinding>();
        foreach (var count in _counts)
        {
            var fired = streamHits.Any(h => ReferenceEquals(h.Rule, count.Rule));
            if (fired || (_explain && Close(count.Rule.Stream!, count.Count)))
            {
                streams.Add(new StreamFinding(number, count.Rule, sender, count.Count, _lines.Last(count.Stream, count.Count), fired));
            }

            if (!fired && count.Count >= 2 && count.Count > (_closest.GetValueOrDefault(count.Rule)?.Count ?? 0))
            {
                _closest[count.Rule] = new StreamFinding(number, count.Rule, sender, count.Count, _lines.Last(count.Stream, count.Count), Fired: false);
            }
        }

        return new ChatStep(number, null, time, sender, text, hits, streams, misses);
    }

    private static ChatStep Problem(ChatProblem problem) =>
        new(problem.Line, problem, default, "", "", [], [], []);

    /// <summary>How many messages in its window trip <paramref name="stream"/>: a flood one more than it allows, a repeat its times.</summary>
    public static int Trips(StreamRule stream) => stream.Kind == StreamKind.Flood ? stream.Count + 1 : stream.Count;

    /// <summary>
    /// Whether <paramref name="count"/> came close to tripping <paramref name="stream"/> (and did
    /// not): one short, or within a fifth of what trips it: 9 or 10 of the 11 messages a
    /// <c>flood: {messages: 10}</c> acts on, 3 of 4, 2 of 3 repeats; never a single message.
    /// </summary>
    public static bool Close(StreamRule stream, int count)
    {
        var trips = Trips(stream);
        return count < trips && count >= 2 && count >= trips - Math.Max(1, trips / 5);
    }

    /// <summary>A time as the log writes it.</summary>
    public static string Show(DateTimeOffset time) =>
        time.ToString(time.Millisecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>
    /// One chat line: a date and time (<c>2026-12-01 20:15:03</c>; <c>/</c> or <c>.</c> between the
    /// date's parts, a <c>T</c> before the time, seconds and their fractions may be left out or
    /// given), then either spaces and the sender in angle brackets and the text after a space, or a
    /// tab, the sender, a tab and the text. The time is read as written, in no zone: only the time
    /// between messages counts. <paramref name="why"/> says what is wrong with a line that is not one
    /// (and <paramref name="written"/>, the time as written where that is what is wrong).
    /// </summary>
    public static bool TryParse(string line, out DateTimeOffset time, out string sender, out string text, out ChatProblemKind why, out string written)
    {
        time = default;
        sender = "";
        text = "";
        written = "";
        var at = 0;
        if (!TryReadTime(line, ref at, out time, out why, out written))
        {
            return false;
        }

        if (at < line.Length && line[at] == '\t')
        {
            var end = line.IndexOf('\t', at + 1);
            if (end < 0)
            {
                why = ChatProblemKind.NoSecondTab;
                return false;
            }

            sender = line[(at + 1)..end].Trim();
            if (sender.Length > 2 && sender[0] == '<' && sender[^1] == '>')
            {
                sender = sender[1..^1].Trim();
            }

            text = line[(end + 1)..];
        }
        else
        {
            var open = at;
            while (open < line.Length && line[open] == ' ')
            {
                open++;
            }

            var close = open < line.Length && open > at && line[open] == '<' ? line.IndexOf('>', open + 1) : -1;
            if (close < 0)
            {
                why = ChatProblemKind.NoSender;
                return false;
            }

            sender = line[(open + 1)..close].Trim();
            text = close + 1 < line.Length && line[close + 1] == ' ' ? line[(close + 2)..] : line[(close + 1)..];
        }

        if (sender.Length == 0)
        {
            why = ChatProblemKind.EmptySender;
            return false;
        }

        if (MessageLimits.IdProblem("sender", sender) is not null)
        {
            why = ChatProblemKind.BadSender;
            return false;
        }

        why = default;
        return true;
    }

    private static bool TryReadTime(string line, ref int at, out DateTimeOffset time, out ChatProblemKind why, out string written)
    {
        time = default;
        written = "";
        var start = at;

        // The date: four digits, then one or two, then one or two, with - / or . between.
        static bool Digits(string s, ref int i, int min, int max, out int value)
        {
            value = 0;
            var from = i;
            while (i < s.Length && i - from < max && s[i] is >= '0' and <= '9')
            {
                value = (value * 10) + (s[i] - '0');
                i++;
            }

            return i - from >= min;
        }

        static bool Separator(string s, ref int i, string allowed)
        {
            if (i < s.Length && allowed.Contains(s[i], StringComparison.Ordinal))
            {
                i++;
                return true;
            }

            return false;
        }

        int year = 0, month = 0, day = 0, hour = 0, minute = 0;
        var ok = Digits(line, ref at, 4, 4, out year) && Separator(line, ref at, "-/.")
            && Digits(line, ref at, 1, 2, out month) && Separator(line, ref at, "-/.")
            && Digits(line, ref at, 1, 2, out day) && Separator(line, ref at, " T")
            && Digits(line, ref at, 1, 2, out hour) && Separator(line, ref at, ":")
            && Digits(line, ref at, 2, 2, out minute);
        if (!ok)
        {
            why = ChatProblemKind.NoTime;
            return false;
        }

        var second = 0;
        var ticks = 0L;
        if (at < line.Length && line[at] == ':')
        {
            at++;
            if (!Digits(line, ref at, 2, 2, out second))
            {
                why = ChatProblemKind.NoTime;
                return false;
            }

            if (at + 1 < line.Length && line[at] == '.' && line[at + 1] is >= '0' and <= '9')
            {
                at++;
                var from = at;
                Digits(line, ref at, 1, 7, out var fraction);
                ticks = fraction * (long)Math.Pow(10, 7 - (at - from));
                while (at < line.Length && line[at] is >= '0' and <= '9')
                {
                    at++;
                }
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            why = ChatProblemKind.BadTime;
            written = line[start..at];
            return false;
        }

        time = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).AddTicks(ticks);
        why = default;
        return true;
    }

    /// <summary>
    /// The line numbers of the messages each stream holds, kept as the tracker keeps their times:
    /// those within the longest window, at most 1,000 a stream, streams quiet for longer than the
    /// longest window (and a minute) forgotten, and at most <paramref name="capacity"/> of them.
    /// </summary>
    private sealed class StreamLines(int capacity)
    {
        private const int MaxRemembered = 1000;

        private readonly Dictionary<string, LinkedListNode<Lines>> _byKey = new(StringComparer.Ordinal);
        private readonly LinkedList<Lines> _byLastSeen = new();

        public void Record(string key, DateTimeOffset time, long line, DateTimeOffset forgetBefore)
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

                node = new LinkedListNode<Lines>(new Lines(key));
                _byKey.Add(key, node);
            }

            _byLastSeen.AddLast(node);
            var lines = node.Value;
            lines.LastSeen = time;
            while (lines.Times.Count > 0 && lines.Times.Peek().Time <= forgetBefore)
            {
                lines.Times.Dequeue();
            }

            lines.Times.Enqueue((time, line));
            if (lines.Times.Count > MaxRemembered)
            {
                lines.Times.Dequeue();
            }
        }

        /// <summary>The last <paramref name="count"/> lines of stream <paramref name="key"/>, in order.</summary>
        public IReadOnlyList<long> Last(string key, int count) =>
            _byKey.TryGetValue(key, out var node)
                ? [.. node.Value.Times.Skip(Math.Max(0, node.Value.Times.Count - count)).Select(t => t.Line)]
                : [];

        public void ForgetQuietSince(DateTimeOffset cutoff)
        {
            while (_byLastSeen.First is { } quietest && quietest.Value.LastSeen <= cutoff)
            {
                Forget(quietest);
            }
        }

        private void Forget(LinkedListNode<Lines> node)
        {
            _byLastSeen.Remove(node);
            _byKey.Remove(node.Value.Key);
        }

        private sealed class Lines(string key)
        {
            public string Key { get; } = key;

            public Queue<(DateTimeOffset Time, long Line)> Times { get; } = new();

            public DateTimeOffset LastSeen { get; set; }
        }
    }

    /// <summary>The clock the streams read: the time of the line being read.</summary>
    private sealed class LineClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

/// <summary>How a chat replay's findings read, in Chinese or English (the console's two languages).</summary>
internal static class ChatWords
{
    /// <summary>What a chat line is, as said under a line that is not one.</summary>
    private const string Format = "每行应为 时间 <发送者> 文字，如 2026-12-01 20:15:03 <10001> 大家好；或 时间<TAB>发送者<TAB>文字";

    private const string FormatEnglish = "a line is: time <sender> text, such as 2026-12-01 20:15:03 <10001> hello; or time<TAB>sender<TAB>text";

    /// <summary>Why a line was not taken, and that it was skipped.</summary>
    public static string Problem(ChatProblem problem, bool english = false) => (problem.Kind, english) switch
    {
        (ChatProblemKind.NoTime, false) => "开头不是日期和时间，已跳过；" + Format,
        (ChatProblemKind.BadTime, false) => $"开头的「{problem.Written}」不是真实的日期和时间，已跳过；" + Format,
        (ChatProblemKind.NoSender, false) => "时间后没有用 <> 括起的发送者，已跳过；" + Format,
        (ChatProblemKind.NoSecondTab, false) => "时间和发送者后没有第二个制表符（TAB）和文字，已跳过；" + Format,
        (ChatProblemKind.EmptySender, false) => "发送者是空的，已跳过；" + Format,
        (ChatProblemKind.BadSender, false) => string.Create(CultureInfo.InvariantCulture, $"发送者超过 {MessageLimits.MaxIdLength} 个字符或含控制字符，不是一个账号，已跳过"),
        (ChatProblemKind.OutOfOrder, false) => $"时间 {ChatReplay.Show(problem.Time)} 早于第 {problem.EarlierLine} 行的 {ChatReplay.Show(problem.EarlierTime)}，已跳过：消息须按时间先后排列",
        (ChatProblemKind.NoTime, true) => "it does not start with a date and time; skipped: " + FormatEnglish,
        (ChatProblemKind.BadTime, true) => $"it starts with {problem.Written}, which is no real date and time; skipped: " + FormatEnglish,
        (ChatProblemKind.NoSender, true) => "no sender in angle brackets after the time; skipped: " + FormatEnglish,
        (ChatProblemKind.NoSecondTab, true) => "no second tab and text after the time and sender; skipped: " + FormatEnglish,
        (ChatProblemKind.EmptySender, true) => "the sender is empty; skipped: " + FormatEnglish,
        (ChatProblemKind.BadSender, true) => string.Create(CultureInfo.InvariantCulture, $"the sender is longer than {MessageLimits.MaxIdLength} characters or holds a control character, so it is no account; skipped"),
        _ => $"its time, {ChatReplay.Show(problem.Time)}, is earlier than line {problem.EarlierLine}'s, {ChatReplay.Show(problem.EarlierTime)}; skipped: the messages must be in time order",
    };

    /// <summary>
    /// A flood or repeat rule at a message, so that the author sees which count acts: a flood acts
    /// past its limit (<c>10001 在 15 秒内第 11 条，超过 10 条</c>), a repeat at its count
    /// (<c>10001 在 300 秒内第 4 次发同一段文字，达到 4 次</c>); one that came close says it did not.
    /// </summary>
    public static string Describe(StreamFinding finding, bool english = false)
    {
        var stream = finding.Rule.Stream!;
        var (sender, n, seconds, limit) = (finding.Sender, finding.Count, stream.Seconds, stream.Count);
        var said = (stream.Kind, finding.Fired, english) switch
        {
            (StreamKind.Flood, true, false) => $"{sender} 在 {seconds} 秒内第 {n} 条，超过 {limit} 条",
            (StreamKind.Flood, false, false) => $"{sender} 在 {seconds} 秒内第 {n} 条，未超过 {limit} 条，第 {limit + 1} 条起才触发",
            (_, true, false) => $"{sender} 在 {seconds} 秒内第 {n} 次发同一段文字，达到 {limit} 次",
            (_, false, false) => $"{sender} 在 {seconds} 秒内第 {n} 次发同一段文字，未达到 {limit} 次",
            (StreamKind.Flood, true, true) => $"{sender}'s message {n} within {seconds} s, more than {limit}",
            (StreamKind.Flood, false, true) => $"{sender}'s message {n} within {seconds} s, not more than {limit}: it acts from message {limit + 1}",
            (_, true, true) => $"{sender} sent the same text for the {Ordinal(n)} time within {seconds} s, {limit} times reached",
            _ => $"{sender} sent the same text for the {Ordinal(n)} time within {seconds} s, short of {limit} times",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{said}{(english ? " (lines " : "（计入第 ")}{Lines(finding.Lines, english)}{(english ? ")" : " 行）")}");
    }

    /// <summary>
    /// A flood, repeat or @all rule over the whole log: how often it fired (and, given, whose
    /// messages), else how close it came, or that it was not tried (its pack is for other groups).
    /// </summary>
    public static string StreamSummary(ChatReplay replay, Rule rule, long fired, string? senders, string? groupId, bool english = false)
    {
        if (!replay.Applies(rule))
        {
            return (groupId, english) switch
            {
                (null, false) => "未试：其规则包只适用于部分群，而未指明日志所在的群",
                (null, true) => "not tried: its pack applies in some groups only, and no group was given",
                (_, false) => $"未试：其规则包不适用于群 {groupId}",
                _ => $"not tried: its pack does not apply in group {groupId}",
            };
        }

        if (fired > 0)
        {
            return english
                ? string.Create(CultureInfo.InvariantCulture, $"{fired:N0} {(fired == 1 ? "message" : "messages")}{(senders is null ? "" : $", from {senders}")}")
                : string.Create(CultureInfo.InvariantCulture, $"{fired:N0} 条{(senders is null ? "" : $"，发送者 {senders}")}");
        }

        return (replay.Closest.GetValueOrDefault(rule), english) switch
        {
            ({ } closest, false) => $"未触发；最接近的是第 {closest.Line} 行：{Describe(closest)}",
            ({ } closest, true) => $"did not fire; closest at line {closest.Line}: {Describe(closest, english: true)}",
            (_, false) => "未触发",
            _ => "did not fire",
        };
    }

    /// <summary>Line numbers, runs joined: <c>2–5、7、9–12</c>; a long list keeps its first and last runs.</summary>
    public static string Lines(IReadOnlyList<long> lines, bool english = false)
    {
        var runs = new List<string>();
        for (var i = 0; i < lines.Count;)
        {
            var j = i;
            while (j + 1 < lines.Count && lines[j + 1] == lines[j] + 1)
            {
                j++;
            }

            runs.Add(j == i ? lines[i].ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{lines[i]}–{lines[j]}"));
            i = j + 1;
        }

        var separator = english ? ", " : "、";
        return runs.Count <= 8
            ? string.Join(separator, runs)
            : string.Join(separator, runs.Take(3)) + separator + "…" + separator + string.Join(separator, runs.TakeLast(3));
    }

    private static string Ordinal(int n) => (n % 100) switch
    {
        11 or 12 or 13 => $"{n}th",
        _ => (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" },
    };

    /// <summary>The text of <paramref name="text"/> a hit or miss covers, as written.</summary>
    public static string Written(string text, int start, int length) =>
        start >= 0 && length > 0 && start + length <= text.Length ? text.Substring(start, length) : "";

    /// <summary>A summary's list of senders: the first three and how many in all.</summary>
    public static string Senders(IReadOnlyList<string> first, int count)
    {
        var shown = string.Join("、", first);
        return count <= first.Count ? shown : string.Create(CultureInfo.InvariantCulture, $"{shown} 等 {count} 人");
    }
}
