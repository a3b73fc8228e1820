using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Pipeline;
using GroupGuard.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>The recent-message index and what a job's outcomes make of it, on a fake clock.</summary>
public sealed class KickAndClearUnitTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly ModerationOptions _options = new();

    private RecentMessages Recent() => new(_clock, new SettableOptions<ModerationOptions>(_options));

    private KickAndClear Clear(RecentMessages recent, bool canRecall = true) =>
        new(recent, new SettableOptions<ModerationOptions>(_options), new Platform(canRecall), new UnusedStore(), new LogCollector<KickAndClear>());

    private static PlatformAction Act(ModerationAction action, string messageId = "9", string user = "20002") => new()
    {
        Protocol = Protocol.OneBotV11,
        Platform = "qq",
        BotId = "10001",
        GroupId = "123456",
        UserId = user,
        MessageId = messageId,
        Action = action,
    };

    private static ActionJob Job(params PlatformAction[] actions) => new([1, 2], actions);

    private static (PlatformAction, ActionResult)[] Outcomes(ActionResult result, params PlatformAction[] actions) =>
        [.. actions.Select(a => (a, result))];

    [Fact]
    public void A_confirmed_kick_brings_recalls_of_the_members_messages_within_the_window_oldest_first()
    {
        var recent = Recent();
        recent.Record(Messages.Group("旧", id: "1"));
        _clock.Advance(TimeSpan.FromMinutes(11));
        recent.Record(Messages.Group("a", id: "2"));
        recent.Record(Messages.Group("b", id: "3", user: "20003"));
        recent.Record(Messages.Group("c", id: "4", group: "654321"));
        recent.Record(Messages.Group("d", id: "5", bot: "10009"));
        recent.Record(Messages.Group("e", id: "6"));
        recent.Record(Messages.Group("kick", id: "9"));
        var kick = Act(ModerationAction.Kick);

        var clear = Clear(recent).After(Job(Act(ModerationAction.Recall), kick), Outcomes(ActionResult.Done, Act(ModerationAction.Recall), kick));

        Assert.NotNull(clear);
        Assert.True(clear.Clears);
        Assert.Equal([1L, 2L], clear.IncidentIds);
        Assert.All(clear.Actions, a => Assert.Equal((ModerationAction.Recall, "20002", "123456", "10001"), (a.Action, a.UserId, a.GroupId, a.BotId)));
        Assert.Equal(["2", "6"], clear.Actions.Select(a => a.MessageId));
    }

    [Fact]
    public void No_clear_without_a_confirmed_kick_when_off_or_where_nothing_can_be_recalled()
    {
        var recent = Recent();
        recent.Record(Messages.Group("a", id: "2"));
        var kick = Act(ModerationAction.Kick);

        Assert.Null(Clear(recent).After(Job(kick), Outcomes(ActionResult.Failed(ActionErrorKind.NotPermitted, "still in the group"), kick)));
        Assert.Null(Clear(recent, canRecall: false).After(Job(kick), Outcomes(ActionResult.Done, kick)));
        Assert.Null(Clear(recent).After(Job(kick) with { Clears = true }, Outcomes(ActionResult.Done, kick)));
        _options.ClearMinutes = 0;
        Assert.Null(Clear(recent).After(Job(kick), Outcomes(ActionResult.Done, kick)));
    }

    [Fact]
    public void A_recall_done_of_a_message_sent_in_pieces_brings_recalls_of_its_earlier_pieces_and_a_kick_done_its_clear_instead()
    {
        var recent = Recent();
        recent.Record(Messages.Group("加", id: "7"));
        recent.Record(Messages.Group("微", id: "8"));
        var recall = Act(ModerationAction.Recall);
        var kick = Act(ModerationAction.Kick);
        var pieced = Job(recall) with { Pieces = ["7", "8"] };

        var pieces = Clear(recent).After(pieced, Outcomes(ActionResult.Done, recall));
        Assert.NotNull(pieces);
        Assert.True(pieces.Clears);
        Assert.Equal(["7", "8"], pieces.Actions.Select(a => a.MessageId));
        Assert.All(pieces.Actions, a => Assert.Equal((ModerationAction.Recall, "20002", "123456"), (a.Action, a.UserId, a.GroupId)));

        // Not when the recall failed; and a kick's clear takes the pieces with the member's other recent messages.
        Assert.Null(Clear(recent).After(pieced, Outcomes(ActionResult.Failed(ActionErrorKind.Refused, "too old"), recall)));
        var both = Clear(recent).After(Job(recall, kick) with { Pieces = ["7", "8"] }, Outcomes(ActionResult.Done, recall, kick));
        Assert.Equal(["7", "8"], both!.Actions.Select(a => a.MessageId));
        Assert.Null(Clear(recent).After(pieced with { Clears = true }, Outcomes(ActionResult.Done, recall)));
    }

    [Fact]
    public void A_message_is_handed_over_once_and_one_recalled_already_not_at_all()
    {
        var recent = Recent();
        recent.Record(Messages.Group("a", id: "2"));
        recent.Record(Messages.Group("b", id: "3"));
        var clear = Clear(recent);

        // Message 2 was recalled as an incident of its own.
        clear.After(Job(Act(ModerationAction.Recall, "2")), Outcomes(ActionResult.Done, Act(ModerationAction.Recall, "2")));
        var first = clear.After(Job(Act(ModerationAction.Kick)), Outcomes(ActionResult.Done, Act(ModerationAction.Kick)));
        var second = clear.After(Job(Act(ModerationAction.Kick)), Outcomes(ActionResult.Done, Act(ModerationAction.Kick)));

        Assert.Equal(["3"], first!.Actions.Select(a => a.MessageId));
        Assert.Null(second);
    }

    [Fact]
    public void The_index_keeps_200_messages_a_group_and_forgets_the_quietest_group_past_10000()
    {
        var recent = Recent();
        for (var i = 0; i < 250; i++)
        {
            recent.Record(Messages.Group("x", id: $"m{i}"));
        }

        for (var g = 0; g < RecentMessages.MaxGroups; g++)
        {
            recent.Record(Messages.Group("x", id: "only", group: $"g{g}"));
        }

        Assert.Equal(RecentMessages.MaxGroups, recent.GroupCount);
        // The first group was the quietest: it is gone.
        Assert.Empty(recent.Take(Protocol.OneBotV11, "10001", "123456", "20002", except: null));
        Assert.Equal(["only"], recent.Take(Protocol.OneBotV11, "10001", "g9999", "20002", except: null));

        var busy = Recent();
        for (var i = 0; i < 250; i++)
        {
            busy.Record(Messages.Group("x", id: $"m{i}"));
        }

        var kept = busy.Take(Protocol.OneBotV11, "10001", "123456", "20002", except: null);
        Assert.Equal(RecentMessages.PerGroup, kept.Count);
        Assert.Equal("m50", kept[0]);
    }

    private sealed class Platform(bool canRecall) : IPlatformActions
    {
        public bool CanDo(Protocol protocol, string platform, ModerationAction action) => action != ModerationAction.Recall || canRecall;

        public Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>After() never touches the store; RecordAsync is tested through the whole service.</summary>
    private sealed class UnusedStore : UnusedIncidentStore;
}
