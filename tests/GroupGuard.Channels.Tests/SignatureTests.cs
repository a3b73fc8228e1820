namespace GroupGuard.Channels.Tests;

public sealed class SignatureTests
{
    [Fact]
    public void DingTalk_sign_matches_the_known_answer()
    {
        Assert.Equal("aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D", DingTalkChannel.Sign(1700000000000, "SECtest"));
    }

    [Fact]
    public void Feishu_sign_matches_the_known_answer()
    {
        Assert.Equal("OrBzY1Y01Gq+HgJsl+7OfWcMVwc7YocohQm5iiZwjhU=", FeishuChannel.Sign(1700000000, "feishu-secret"));
    }
}
