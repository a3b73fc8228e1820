namespace GroupGuard.Channels;

internal static class ChannelTypes
{
    public const string WeCom = "wecom";
    public const string DingTalk = "dingtalk";
    public const string Feishu = "feishu";
    public const string Email = "email";
    public const string OneBot = "onebot";
    public const string File = "file";

    public const string List = "wecom, dingtalk, feishu, email, onebot, file";
}
