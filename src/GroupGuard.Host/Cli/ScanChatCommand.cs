using System.Globalization;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;
using GroupGuard.Host.Rules;

namespace GroupGuard.Host.Cli;

/// <summary>
/// <c>groupguard scan --chat</c>: a chat log in (a time, a sender and the text a line,
/// <see cref="ChatReplay.TryParse"/>), read as the service reads a group's messages, flood and
/// repeat rules included; a report out, in Chinese, a line for each rule that fired (and, with
/// <c>--explain</c>, each that came close and each term that did not count) and a summary per rule.
/// </summary>
internal static class ScanChatCommand
{
    public static async Task<int> RunAsync(RuleSet rules, IWordSegmenter? segmenter, Stream inputStream, Stream output, TextWriter error, bool explain, string? groupId, CancellationToken cancellationToken)
    {
        var replay = new ChatReplay(rules, segmenter, groupId, explain);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };

        // The report so far is written out before each read of the input, which may wait.
        async ValueTask WriteOutAsync() => await writer.FlushAsync(CancellationToken.None);
        var input = new ScanInput(inputStream, MessageLimits.MaxTextLength, WriteOutAsync);

        long number = 0, messages = 0, flagged = 0, unreadable = 0, unordered = 0, tooLongLines = 0, invalid = 0;
        var tallies = new Dictionary<Rule, Tally>(ReferenceEqualityComparer.Instance);
        var interrupted = false;
        try
        {
            while (await input.ReadLineAsync(cancellationToken) is (var line, var invalidUtf8, var tooLong))
            {
                number++;
                if (tooLong)
                {
                    tooLongLines++;
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"第 {number} 行：超过 {MessageLimits.MaxTextLength:N0} 个字符（服务收一条消息的上限），已跳过"));
                    continue;
                }

                if (replay.Read(number, line) is not { } step)
                {
                    continue;
                }

                if (step.Problem is { } problem)
                {
                    if (problem.Kind == ChatProblemKind.OutOfOrder)
                    {
                        unordered++;
                    }
                    else
                    {
                        unreadable++;
                    }

                    await writer.WriteLineAsync($"第 {number} 行：{ChatWords.Problem(problem)}");
                    continue;
                }

                messages++;
                invalid += invalidUtf8 ? 1 : 0;
                flagged += step.Flagged ? 1 : 0;
                await WriteStepAsync(writer, step);
                foreach (var rule in step.Hits.Select(h => h.Rule).Concat(step.Streams.Where(s => s.Fired).Select(s => s.Rule)).Distinct())
                {
                    if (!tallies.TryGetValue(rule, out var tally))
                    {
                        tallies[rule] = tally = new Tally();
                    }

                    tally.Add(step.Sender);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }

        await writer.WriteLineAsync();
        var skipped = new List<string>();
        if (unreadable > 0)
        {
            skipped.Add($"{unreadable:N0} 行读不出时间和发送者");
        }

        if (unordered > 0)
        {
            skipped.Add($"{unordered:N0} 行时间早于前面的行");
        }

        if (tooLongLines > 0)
        {
            skipped.Add($"{tooLongLines:N0} 行过长");
        }

        await writer.WriteLineAsync(new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"汇总：共 {number:N0} 行，{messages:N0} 条消息，{flagged:N0} 条命中")
            .Append(skipped.Count == 0 ? "" : $"；跳过 {string.Join("，", skipped)}")
            .Append(invalid == 0 ? "" : $"；{invalid:N0} 行含有不是 UTF-8 的字节（读作 U+FFFD）")
            .Append(CultureInfo.InvariantCulture, $"；规则版本 {rules.Version}")
            .Append(groupId is null ? "；未指定群（--group）" : $"；按群 {groupId} 读")
            .Append(interrupted ? "；已中断，其后的输入未读" : "")
            .ToString());

        // Every flood, repeat and @all rule, fired or not: what the log is tried for.
        foreach (var rule in replay.StreamRules)
        {
            var tally = tallies.GetValueOrDefault(rule);
            await writer.WriteLineAsync($"  {rule.Id}：{ChatWords.StreamSummary(replay, rule, tally?.Count ?? 0, tally is null ? null : ChatWords.Senders(tally.First, tally.Senders), groupId)}");
        }

        foreach (var (rule, tally) in tallies.Where(t => t.Key.Stream is null).OrderByDescending(t => t.Value.Count).ThenBy(t => t.Key.Id, StringComparer.Ordinal))
        {
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {rule.Id}：{tally.Count:N0} 条"));
        }

        await writer.FlushAsync(CancellationToken.None);
        if (interrupted)
        {
            return GroupGuardCommandLine.InterruptedExitCode;
        }

        if (messages == 0 && unreadable + unordered > 0)
        {
            await error.WriteLineAsync($"groupguard scan --chat: no line of the input is a chat line (a time, a sender and the text: 2026-12-01 20:15:03 <10001> text, or time<TAB>sender<TAB>text); see the report above");
            return 1;
        }

        return 0;
    }

    private static async Task WriteStepAsync(StreamWriter writer, ChatStep step)
    {
        foreach (var hit in step.Hits)
        {
            var said = hit.Rule.Stream is { Kind: StreamKind.MentionAll }
                ? $"{step.Sender} @全体成员"
                : $"「{ChatWords.Written(step.Text, hit.Start, hit.Length)}」";
            await writer.WriteLineAsync($"第 {step.Line} 行：{hit.Rule.Id}：{said}");
        }

        foreach (var stream in step.Streams)
        {
            await writer.WriteLineAsync($"第 {step.Line} 行：{stream.Rule.Id}{(stream.Fired ? "" : " 未触发")}：{ChatWords.Describe(stream)}");
        }

        foreach (var miss in step.Misses)
        {
            await writer.WriteLineAsync($"第 {step.Line} 行：{miss.Rule.Id} 未计入「{ChatWords.Written(step.Text, miss.Start, miss.Length)}」：{ScanCommand.Why(miss.Reason)}{(miss.Detail is { } detail ? $"「{detail}」" : "")}");
        }
    }

    /// <summary>How often a rule fired in the log, and whose messages (as many senders as the service tracks).</summary>
    private sealed class Tally
    {
        private readonly HashSet<string> _senders = new(StringComparer.Ordinal);
        private readonly List<string> _first = [];

        public long Count { get; private set; }

        /// <summary>The first three senders, in the order they first fired it.</summary>
        public IReadOnlyList<string> First => _first;

        /// <summary>How many senders fired it (counted up to as many as the service tracks).</summary>
        public int Senders => _senders.Count;

        public void Add(string sender)
        {
            Count++;
            if (_senders.Count < StreamTracker.DefaultMaxSenders && _senders.Add(sender) && _first.Count < 3)
            {
                _first.Add(sender);
            }
        }
    }
}
