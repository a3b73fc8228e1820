using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// The coalescer alone, on a fake clock, with a send that records each message: what a window holds
/// under a flood is bounded, a warning past a bound is answered at once and the log says so, and
/// the warnings within the bounds still go out as one message.
/// </summary>
public sealed class WarningCoalescerTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly WatchedClock _clock;
    private readonly LogCollector<OneBotActionClient> _logs = new();
    private readonly Recording<(string Group, string Users)> _sent = new();
    private readonly WarningCoalescer _coalescer;

    public WarningCoalescerTests()
    {
        _clock = new WatchedClock(_time);
        _coalescer = new WarningCoalescer(
            _clock,
            (target, senders, _) =>
            {
                _sent.Add((target.GroupId, string.Join(' ', senders.Select(s => s.UserId))));
                return Task.FromResult(ActionResult.Done);
            },
            _logs,
            new CoalescerLimits(OpenGroups: 2, SendersPerWindow: 3, PendingWarnings: 6));
    }

    public void Dispose() => _coalescer.Dispose();

    private Task<ActionResult> Warn(string user, string group = "111") =>
        _coalescer.WarnAsync(Action(ModerationAction.Warn, group: group, user: user, text: "请勿刷屏"), Window, CancellationToken.None);

    private IReadOnlyList<LogEntry> Lines => [.. _logs.Entries.Where(e => e.Level == LogLevel.Warning)];

    [Fact]
    public async Task Past_the_members_of_one_window_a_new_member_is_not_warned_while_the_ones_in_it_still_are()
    {
        var first = new[] { Warn("1"), Warn("2"), Warn("3") };
        var fourth = Warn("4");
        var again = Warn("1"); // a member already mentioned adds no one

        Assert.True(fourth.IsCompleted);
        var refused = await fourth;
        Assert.Equal(ActionStatus.Failed, refused.Status);
        Assert.Equal(ActionErrorKind.QueueFull, refused.ErrorKind);
        Assert.Equal("warning not sent: 3 members were to be mentioned in this group's warning already", refused.Error);
        var line = Assert.Single(Lines);
        Assert.Equal(
            "1 warning(s) not sent since the last report: 3 members were to be mentioned in this group's warning already (the latest to qq group 111 user 4); their incidents say failed, queue full",
            line.Message);
        Assert.False(again.IsCompleted);
        Assert.Equal(4, _coalescer.Pending);

        await _clock.TimerAsync(1);
        _time.Advance(Window);

        Assert.All(await Task.WhenAll(first.Append(again)).Within("the window's message"), r => Assert.Equal(ActionResult.Done, r));
        Assert.Equal([("111", "1 2 3")], _sent.Items);
        Assert.Equal(0, _coalescer.Pending);
    }

    [Fact]
    public async Task Past_the_groups_with_a_window_open_or_the_warnings_waiting_a_warning_is_not_taken_and_one_line_says_how_many()
    {
        var taken = new List<Task<ActionResult>> { Warn("1", "111"), Warn("1", "222") };
        var thirdGroup = await Warn("1", "333");
        Assert.Equal("warning not sent: warnings to 2 groups were waiting to go out already", thirdGroup.Error);

        // One member's repeated warnings share their mention, but each waits: four more reach the bound.
        for (var i = 0; i < 4; i++)
        {
            taken.Add(Warn("1", "111"));
        }

        var pastBound = await Warn("1", "111");
        Assert.Equal("warning not sent: 6 warnings were waiting to go out already", pastBound.Error);
        Assert.Equal(6, _coalescer.Pending);

        // The second not taken is counted, not logged: at most one line per interval says how many.
        Assert.Single(Lines);
        await _clock.TimerAsync(2);
        _time.Advance(Window);

        Assert.All(await Task.WhenAll(taken).Within("both windows' messages"), r => Assert.Equal(ActionResult.Done, r));
        Assert.Equal([("111", "1"), ("222", "1")], _sent.Items.Order());
        Assert.Equal(0, _coalescer.Pending);

        // Room again: windows open for two groups, and a third group's warning is the next line's.
        Assert.False(Warn("2", "111").IsCompleted);
        Assert.False(Warn("2", "222").IsCompleted);
        Assert.Equal(ActionStatus.Failed, (await Warn("2", "333")).Status);
        Assert.Equal(2, Lines.Count);
        Assert.StartsWith("2 warning(s) not sent since the last report: warnings to 2 groups were waiting to go out already", Lines[1].Message, StringComparison.Ordinal);
    }
}
