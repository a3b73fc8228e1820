using GroupGuard.Milky.Tests.Support;
using GroupGuard.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Milky.Tests;

/// <summary>The webhook's Bearer check (the spec: the implementation sends <c>Authorization: Bearer {access_token}</c>).</summary>
public sealed class WebhookReceiverTests
{
    private const string Token = "milky-webhook-token-2026";

    private static MilkyWebhookReceiver Receiver(string? token) =>
        new(new SettableOptions<MilkyOptions>(new MilkyOptions { AccessToken = token }), new FakeTimeProvider(Samples.Stamped));

    [Theory]
    [InlineData(null, 401, "missing Authorization header: GroupGuard:Milky:AccessToken is set; give the bridge the same access token")]
    [InlineData("", 401, "missing Authorization header: GroupGuard:Milky:AccessToken is set; give the bridge the same access token")]
    [InlineData("Bearer wrong-token-of-some-length", 401, "Authorization header does not carry the access token: the bridge's access token is not the one in GroupGuard:Milky:AccessToken")]
    [InlineData("bearer milky-webhook-token-2026", 401, "Authorization header does not carry the access token: the bridge's access token is not the one in GroupGuard:Milky:AccessToken")]
    [InlineData("Bearer milky-webhook-token-2026 ", 401, "Authorization header does not carry the access token: the bridge's access token is not the one in GroupGuard:Milky:AccessToken")]
    [InlineData("Bearer milky-webhook-token-2026", 204, null)]
    public void With_a_token_the_exact_bearer_header_is_required(string? header, int status, string? error)
    {
        var result = Receiver(Token).Receive(Samples.Bytes("group-message.json"), header);

        Assert.Equal(status, result.StatusCode);
        Assert.Equal(error, result.Error);
    }

    [Fact]
    public void Without_a_token_events_are_taken_as_they_come()
    {
        var result = Receiver(null).Receive(Samples.Bytes("group-message.json"), null);

        Assert.Equal(204, result.StatusCode);
        Assert.Equal("23333", result.Event!.Message!.MessageId);
    }

    [Fact]
    public void The_token_is_checked_before_the_body_is_read()
    {
        var result = Receiver(Token).Receive("not json"u8, "Bearer nope");

        Assert.Equal(401, result.StatusCode);
    }
}
