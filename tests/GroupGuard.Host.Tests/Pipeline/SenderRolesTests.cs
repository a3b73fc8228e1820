using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

public sealed class SenderRolesTests
{
    private static readonly DateTimeOffset Now = new(2025, 11, 26, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A platform whose member lookup answers <paramref name="answer"/>, or never (null task) until cancelled.</summary>
    private sealed class Platform(Task<SenderRole?>? answer) : IPlatformActions
    {
        public int Asked { get; private set; }

        public bool CanDo(Protocol protocol, string platform, ModerationAction action) => true;

        public Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken)
        {
            Asked++;
            if (answer is null)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return await answer!;
        }

        public Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static ChatMessage Message(SenderRole role) => new()
    {
        Protocol = Protocol.OneBotV11,
        Platform = "qq",
        BotId = "10001",
        GroupId = "123456",
        UserId = "20002",
        MessageId = "1",
        Text = "加微信",
        Time = Now,
        SenderRole = role,
    };

    [Fact]
    public async Task The_events_own_role_is_taken_without_asking()
    {
        var platform = new Platform(Task.FromResult<SenderRole?>(SenderRole.Member));

        Assert.Equal(SenderRole.Admin, await SenderRoles.OfAsync(platform, Message(SenderRole.Admin), new FakeTimeProvider(Now), CancellationToken.None));
        Assert.Equal(0, platform.Asked);
    }

    [Fact]
    public async Task Without_one_the_platform_is_asked()
    {
        var platform = new Platform(Task.FromResult<SenderRole?>(SenderRole.Owner));

        Assert.Equal(SenderRole.Owner, await SenderRoles.OfAsync(platform, Message(SenderRole.Unknown), new FakeTimeProvider(Now), CancellationToken.None));
        Assert.Equal(1, platform.Asked);
    }

    [Fact]
    public async Task A_platform_that_does_not_answer_is_given_up_after_five_seconds_of_the_services_clock_and_the_sender_moderated_as_a_member()
    {
        var clock = new FakeTimeProvider(Now);
        var platform = new Platform(null);

        var asking = SenderRoles.OfAsync(platform, Message(SenderRole.Unknown), clock, CancellationToken.None);
        clock.Advance(SenderRoles.LookupTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(asking.IsCompleted); // no real time counts: only the clock the service is given

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var role = await asking.Within("the lookup to be given up");
        Assert.Equal(SenderRole.Unknown, role);
        Assert.False(SenderRoles.IsOwnerOrAdmin(role));
    }

    [Fact]
    public async Task Stopping_the_service_ends_the_lookup_as_a_cancellation()
    {
        using var stopping = new CancellationTokenSource();
        var asking = SenderRoles.OfAsync(new Platform(null), Message(SenderRole.Unknown), new FakeTimeProvider(Now), stopping.Token);

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking.Within("the lookup to end"));
    }
}
