namespace GroupGuard.Channels.Tests;

public sealed class SecretScrubberTests
{
    [Theory]
    [InlineData("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***")]
    [InlineData("https://oapi.dingtalk.com/robot/send?access_token=abcdef123456", "https://oapi.dingtalk.com/robot/send?access_token=***")]
    [InlineData("https://open.feishu.cn/open-apis/bot/v2/hook/0f8e7d6c-5b4a", "https://open.feishu.cn/open-apis/bot/v2/hook/***")]
    [InlineData("http://user:pw@127.0.0.1:8080/send?key=k1234&debug=1", "http://127.0.0.1:8080/send?key=***&debug=***")]
    public void Addresses_are_shown_with_their_keys_masked(string url, string shown)
    {
        Assert.Equal(shown, SecretScrubber.Display(new Uri(url)));
    }

    [Fact]
    public void Text_that_echoes_a_key_or_secret_is_scrubbed()
    {
        var scrubber = SecretScrubber.ForUrl(new Uri("https://open.feishu.cn/open-apis/bot/v2/hook/0f8e7d6c-5b4a"), "my-signing-secret");

        Assert.Equal("hook *** refused, secret ***", scrubber.Scrub("hook 0f8e7d6c-5b4a refused, secret my-signing-secret"));
    }
}
