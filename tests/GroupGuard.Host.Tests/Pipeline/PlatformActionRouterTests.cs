using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Pipeline;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>Each action goes to the adapter of its protocol; a protocol no adapter speaks does nothing and says so.</summary>
public sealed class PlatformActionRouterTests
{
    private static PlatformAction Recall(Protocol protocol) => ActionPlan.Build(
        new ActionTarget(protocol, "qq", "10001", "123456", "20002", "m1"), [ModerationAction.Recall], 0, null)[0];

    [Fact]
    public async Task An_action_reaches_the_adapter_of_its_protocol_only()
    {
        var onebot = new FakeAdapter(Protocol.OneBotV11, Protocol.OneBotV12);
        var milky = new FakeAdapter(Protocol.Milky);
        var router = new PlatformActionRouter([onebot, milky]);

        await router.ExecuteAsync(Recall(Protocol.Milky), CancellationToken.None);
        await router.ExecuteAsync(Recall(Protocol.OneBotV11), CancellationToken.None);

        Assert.Equal([Protocol.Milky], milky.Executed.Select(a => a.Protocol));
        Assert.Equal([Protocol.OneBotV11], onebot.Executed.Select(a => a.Protocol));
        Assert.True(router.CanDo(Protocol.Milky, "qq", ModerationAction.Mute));
    }

    [Fact]
    public async Task A_protocol_without_an_adapter_is_unsupported_and_not_configured()
    {
        var router = new PlatformActionRouter([new FakeAdapter(Protocol.OneBotV11)]);

        var result = await router.ExecuteAsync(Recall(Protocol.QQBot), CancellationToken.None);

        Assert.Equal(ActionStatus.Unsupported, result.Status);
        Assert.Equal(ActionErrorKind.NotConfigured, result.ErrorKind);
        Assert.Contains("qqbot", result.Error, StringComparison.Ordinal);
        Assert.False(router.CanDo(Protocol.QQBot, "qq-official", ModerationAction.Recall));
        Assert.Null(await router.GetRoleAsync(Protocol.QQBot, "b", "g", "u", CancellationToken.None));
        Assert.Equal(ActionErrorKind.NotConfigured, (await router.UnmuteAsync(Protocol.QQBot, "qq-official", "b", "g", "u", CancellationToken.None)).ErrorKind);
    }

    private sealed class FakeAdapter(params Protocol[] protocols) : IProtocolActions
    {
        public List<PlatformAction> Executed { get; } = [];

        public IReadOnlyCollection<Protocol> Protocols => protocols;

        public bool CanDo(Protocol protocol, string platform, ModerationAction action) => true;

        public Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken)
        {
            Executed.Add(action);
            return Task.FromResult(ActionResult.Done);
        }

        public Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
            Task.FromResult<SenderRole?>(SenderRole.Member);

        public Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
            Task.FromResult(ActionResult.Done);
    }
}
