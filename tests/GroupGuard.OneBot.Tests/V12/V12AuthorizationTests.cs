using GroupGuard.Core;
using GroupGuard.OneBot.Tests.Support;
using GroupGuard.Testing;

namespace GroupGuard.OneBot.Tests.V12;

public sealed class V12AuthorizationTests
{
    private const string Token = "wx-bridge-token-7f3a";

    private static WebhookResult Receive(string? token, string? header) =>
        Receivers.Create(accessToken: token).ReceiveV12(Samples.Bytes("V12/comwechat-group-mention.json"), header);

    [Fact]
    public void The_right_bearer_token_is_accepted()
    {
        var result = Receive(Token, "Bearer " + Token);

        Assert.Equal(204, result.StatusCode);
        Assert.Equal(InboundEventKind.GroupMessage, result.Event!.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_authorization_header_is_unauthorized(string? header)
    {
        var result = Receive(Token, header);

        Assert.Equal(401, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Contains("Authorization", result.Error);
        Assert.Contains("GroupGuard:OneBot:AccessToken", result.Error);
    }

    [Theory]
    [InlineData("Bearer wrong-token")]
    [InlineData("Bearer wx-bridge-token-7f3b")]
    [InlineData("Bearer wx-bridge-token-7f3a-and-more")]
    [InlineData("Bearer wx-bridge-token-7f3")]
    [InlineData("bearer wx-bridge-token-7f3a")]
    [InlineData("Bearer  wx-bridge-token-7f3a")]
    [InlineData("Token wx-bridge-token-7f3a")]
    [InlineData("wx-bridge-token-7f3a")]
    [InlineData("Bearer ")]
    public void A_wrong_authorization_header_is_unauthorized(string header)
    {
        var result = Receive(Token, header);

        Assert.Equal(401, result.StatusCode);
        Assert.Null(result.Event);
        Assert.DoesNotContain(Token, result.Error);
        Assert.EndsWith("is not the one in GroupGuard:OneBot:AccessToken", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "Bearer anything")]
    public void Without_an_access_token_any_event_is_accepted(string? token, string? header)
    {
        Assert.Equal(204, Receive(token, header).StatusCode);
    }

    [Fact]
    public void Authorization_is_checked_before_the_body_is_parsed()
    {
        var result = Receivers.Create(accessToken: Token).ReceiveV12("not json"u8, "Bearer nope");

        Assert.Equal(401, result.StatusCode);
    }

    [Fact]
    public void A_changed_token_takes_effect_without_a_restart()
    {
        var options = new SettableOptions<OneBotOptions>(new OneBotOptions { AccessToken = "old" });
        var receiver = Receivers.Create(options);
        var body = Samples.Bytes("V12/comwechat-group-mention.json");
        Assert.Equal(204, receiver.ReceiveV12(body, "Bearer old").StatusCode);

        options.CurrentValue = new OneBotOptions { AccessToken = Token };

        Assert.Equal(401, receiver.ReceiveV12(body, "Bearer old").StatusCode);
        Assert.Equal(204, receiver.ReceiveV12(body, "Bearer " + Token).StatusCode);
    }
}
