using GroupGuard.Core;
using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// The nickname of a join applicant is asked of the platform on the moderation worker, before the
/// request is screened: a bridge that does not answer must not hold back the messages after it
/// for longer than the service's own bound.
/// </summary>
public sealed class ApplicantNicknameTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A platform whose profile lookup answers <paramref name="answer"/>, or never (null) until cancelled.</summary>
    private sealed class Platform(Task<string?>? answer) : IJoinRequestActions
    {
        public int Asked { get; private set; }

        public IReadOnlyCollection<Protocol> Protocols => [Protocol.OneBotV11];

        public Task<ActionResult> AnswerAsync(JoinAnswer answer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async Task<string?> GetNicknameAsync(Protocol protocol, string botId, string userId, CancellationToken cancellationToken)
        {
            Asked++;
            if (answer is null)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return await answer!;
        }
    }

    private static ChatMessage Request() => new()
    {
        Protocol = Protocol.OneBotV11,
        Platform = "qq",
        BotId = "10001",
        GroupId = "123456",
        UserId = "30003",
        MessageId = "join-1",
        Text = "你好",
        Time = Now,
    };

    [Fact]
    public async Task The_platforms_nickname_is_taken_when_it_answers()
    {
        var platform = new Platform(Task.FromResult<string?>("刷单返利日结找我"));

        var nickname = await JoinScreener.NicknameAsync(platform, Request(), new FakeTimeProvider(Now), NullLogger.Instance, CancellationToken.None);

        Assert.Equal("刷单返利日结找我", nickname);
        Assert.Equal(1, platform.Asked);
    }

    [Fact]
    public async Task A_platform_that_does_not_answer_is_given_up_after_five_seconds_of_the_services_clock()
    {
        var clock = new FakeTimeProvider(Now);

        var asking = JoinScreener.NicknameAsync(new Platform(null), Request(), clock, NullLogger.Instance, CancellationToken.None);
        clock.Advance(JoinScreener.NicknameTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(asking.IsCompleted); // only the service's clock counts

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await asking.Within("the nickname lookup to be given up"));
    }

    [Fact]
    public async Task A_platform_that_fails_leaves_the_request_screened_without_a_nickname()
    {
        var platform = new Platform(Task.FromException<string?>(new HttpRequestException("connection refused")));

        Assert.Null(await JoinScreener.NicknameAsync(platform, Request(), new FakeTimeProvider(Now), NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task Stopping_the_service_ends_the_lookup_as_a_cancellation()
    {
        using var stopping = new CancellationTokenSource();
        var asking = JoinScreener.NicknameAsync(new Platform(null), Request(), new FakeTimeProvider(Now), NullLogger.Instance, stopping.Token);

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking.Within("the lookup to end"));
    }
}
