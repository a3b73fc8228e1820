namespace GroupGuard.Core.Tests;

public sealed class ChatMessageTests
{
    [Fact]
    public void A_redelivery_has_the_same_key_and_another_groups_message_of_the_same_number_does_not()
    {
        var message = Messages.Group("加微信", id: "42", group: "100", platform: "qq", protocol: Protocol.Milky);

        Assert.Equal(message.DedupeKey, (message with { Text = "加微信" }).DedupeKey);
        Assert.NotEqual(message.DedupeKey, (message with { GroupId = "200" }).DedupeKey);
        Assert.NotEqual(message.DedupeKey, (message with { Protocol = Protocol.OneBotV11 }).DedupeKey);
        Assert.StartsWith("milky|", message.DedupeKey, StringComparison.Ordinal);
    }
}
