using GroupGuard.Core;
using GroupGuard.Core.Commands;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Commands;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Commands;

/// <summary>
/// The reply worker on its own, against a platform that cannot send: what the log says of the
/// answers that did not go out, on a clock that moves only when the test moves it.
/// </summary>
public sealed class CommandReplyWorkerTests
{
    private readonly FakeTimeProvider _clock = new(Messages.DefaultTime);
    private readonly LogCollector<CommandReplyWorker> _logs = new();
    private readonly Platform _platform = new();

    private static CommandReply Reply(string group, string id, string name = GroupCommandParser.StatusName, string bot = "10001") =>
        CommandReply.Say(Messages.Group($"/gg {name}", id: id, group: group, user: "30003", bot: bot), "今日本群：检查 3 条消息") with { Name = name };

    [Fact]
    public async Task A_bot_that_cannot_send_is_a_line_every_ten_seconds_with_how_many_and_one_for_each_other_failure()
    {
        var worker = new CommandReplyWorker(new CommandReplies(), _platform, new RecentAnswers(_clock), _clock, _logs);
        _platform.Answer = ActionResult.Failed(ActionErrorKind.Unreachable, "send_group_msg could not reach http://127.0.0.1:3000");

        await worker.RunAsync(Reply("1", "a"), CancellationToken.None);
        await worker.RunAsync(Reply("2", "b"), CancellationToken.None);
        await worker.RunAsync(Reply("3", "c"), CancellationToken.None);
        await worker.RunAsync(Reply("9", "x", bot: "10002"), CancellationToken.None); // another bot: a line of its own
        _platform.Answer = ActionResult.Failed(ActionErrorKind.Refused, "send_group_msg refused: retcode 1200 bot is muted");
        await worker.RunAsync(Reply("4", "d", GroupCommandParser.CheckName), CancellationToken.None);
        await worker.RunAsync(Reply("5", "e"), CancellationToken.None);
        _clock.Advance(LogThrottle.Interval);
        await worker.RunAsync(Reply("6", "f"), CancellationToken.None);

        Assert.Equal(
            [
                "Warning: Group command 状态 in qq group 1 (message a): the answer was not sent: Failed send_group_msg could not reach http://127.0.0.1:3000 (1 of the bot's answers not sent since its last such line; a line every 10 s at most, and one for each other kind of failure)",
                "Warning: Group command 状态 in qq group 9 (message x): the answer was not sent: Failed send_group_msg could not reach http://127.0.0.1:3000 (1 of the bot's answers not sent since its last such line; a line every 10 s at most, and one for each other kind of failure)",
                "Warning: Group command 检查 in qq group 4 (message d): the answer was not sent: Failed send_group_msg refused: retcode 1200 bot is muted (3 of the bot's answers not sent since its last such line; a line every 10 s at most, and one for each other kind of failure)",
                "Warning: Group command 状态 in qq group 6 (message f): the answer was not sent: Failed send_group_msg refused: retcode 1200 bot is muted (2 of the bot's answers not sent since its last such line; a line every 10 s at most, and one for each other kind of failure)",
            ],
            _logs.Lines);
        Assert.Equal(7, _platform.Sent);
    }

    [Fact]
    public async Task An_answer_sent_is_not_logged()
    {
        var worker = new CommandReplyWorker(new CommandReplies(), _platform, new RecentAnswers(_clock), _clock, _logs);

        await worker.RunAsync(Reply("1", "a"), CancellationToken.None);

        Assert.Equal(1, _platform.Sent);
        Assert.Empty(_logs.Lines);
    }

    [Fact]
    public async Task A_mute_set_again_is_one_mute_for_the_seconds_left_before_the_answer_that_says_so()
    {
        var worker = new CommandReplyWorker(new CommandReplies(), _platform, new RecentAnswers(_clock), _clock, _logs);
        var command = Messages.Group("/gg 误判", id: "4", user: "30003");
        string? said = null;

        await worker.RunAsync(
            new CommandReply(command, [new MuteChange("20001", 360), new MuteChange("20002")], changed =>
            {
                said = string.Join(",", changed.Select(c => $"{c.Change.UserId}:{c.Change.Seconds}:{c.Done}"));
                return said;
            }),
            CancellationToken.None);

        Assert.Equal(["mute 20001 360", "unmute 20002", "warn 30003 20001:360:True,20002:0:True"], _platform.Calls);
        Assert.Equal("20001:360:True,20002:0:True", said);
    }

    /// <summary>
    /// A burst of one command (20 admins typing /gg 帮助 within a minute) drew 20 answers the same:
    /// the group now gets one a minute, while another answer, the same words to another question,
    /// another group, or an answer the first of which was not sent, still goes out.
    /// </summary>
    [Fact]
    public async Task The_same_answer_to_the_same_command_in_a_group_within_a_minute_is_sent_once()
    {
        var worker = new CommandReplyWorker(new CommandReplies(), _platform, new RecentAnswers(_clock), _clock, _logs);
        CommandReply Asked(string group, string id, string asked, string answer) =>
            CommandReply.Say(Messages.Group("/gg 帮助", id: id, group: group, user: "300" + id), answer) with { Name = GroupCommandParser.HelpName, Asked = asked };

        for (var i = 10; i < 30; i++)
        {
            await worker.RunAsync(Asked("1", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "Help", "在 /gg 后空一格写命令：…"), CancellationToken.None);
        }

        await worker.RunAsync(Asked("1", "31", "Status", "今日本群：检查 3 条消息"), CancellationToken.None); // another answer
        await worker.RunAsync(Asked("1", "32", "Check\n明天交作业", "不会命中：没有找到任何规则的词"), CancellationToken.None);
        await worker.RunAsync(Asked("1", "33", "Check\n加我微信", "不会命中：没有找到任何规则的词"), CancellationToken.None); // the same words to another text
        await worker.RunAsync(Asked("2", "34", "Help", "在 /gg 后空一格写命令：…"), CancellationToken.None); // another group
        _clock.Advance(RecentAnswers.Window - TimeSpan.FromSeconds(1));
        await worker.RunAsync(Asked("1", "35", "Help", "在 /gg 后空一格写命令：…"), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await worker.RunAsync(Asked("1", "36", "Help", "在 /gg 后空一格写命令：…"), CancellationToken.None); // a minute on: again

        Assert.Equal(
            [
                "warn 30010 在 /gg 后空一格写命令：…",
                "warn 30031 今日本群：检查 3 条消息",
                "warn 30032 不会命中：没有找到任何规则的词",
                "warn 30033 不会命中：没有找到任何规则的词",
                "warn 30034 在 /gg 后空一格写命令：…",
                "warn 30036 在 /gg 后空一格写命令：…",
            ],
            _platform.Calls);
        Assert.Equal(20, _logs.Entries.Count(e => e.Level == LogLevel.Debug));
        Assert.Equal(
            "Debug: Group command 帮助 in qq group 1 (message 35): the answer is the one sent to the same command in the group 59 s ago; not sent again",
            _logs.Lines[^1]);
    }

    [Fact]
    public async Task An_answer_not_sent_does_not_hold_back_the_same_one_after_it()
    {
        var worker = new CommandReplyWorker(new CommandReplies(), _platform, new RecentAnswers(_clock), _clock, _logs);
        _platform.Answer = ActionResult.Failed(ActionErrorKind.Refused, "send_group_msg refused: retcode 1200 bot is muted");
        await worker.RunAsync(Reply("1", "a"), CancellationToken.None);
        _platform.Answer = ActionResult.Done;

        await worker.RunAsync(Reply("1", "b"), CancellationToken.None);
        await worker.RunAsync(Reply("1", "c"), CancellationToken.None);

        Assert.Equal(2, _platform.Sent); // the one refused and the one after it; not the third
    }

    /// <summary>Answers every message to the group with <see cref="Answer"/>, and counts them; a mute or an unmute is done.</summary>
    private sealed class Platform : IPlatformActions
    {
        private readonly Lock _gate = new();
        private readonly List<string> _calls = [];
        private int _sent;

        public ActionResult Answer { get; set; } = ActionResult.Done;

        public int Sent => Volatile.Read(ref _sent);

        public IReadOnlyList<string> Calls
        {
            get
            {
                lock (_gate)
                {
                    return [.. _calls];
                }
            }
        }

        public bool CanDo(Protocol protocol, string platform, ModerationAction action) => true;

        public Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken)
        {
            if (action.Action == ModerationAction.Mute)
            {
                Called($"mute {action.UserId} {action.MuteSeconds}");
                return Task.FromResult(ActionResult.Done);
            }

            Assert.Equal(ModerationAction.Warn, action.Action);
            Called($"warn {action.UserId} {action.WarningText}");
            Interlocked.Increment(ref _sent);
            return Task.FromResult(Answer);
        }

        public Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
            Task.FromResult<SenderRole?>(null);

        public Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken)
        {
            Called($"unmute {userId}");
            return Task.FromResult(ActionResult.Done);
        }

        private void Called(string call)
        {
            lock (_gate)
            {
                _calls.Add(call);
            }
        }
    }
}
