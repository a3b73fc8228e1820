namespace GroupGuard.Core.Images;

/// <summary>
/// The rule GroupGuard adds of its own for a picture near one on the block list: its id, its
/// category (its pack's id too, in no folder's pack) and the Chinese name the digest, alerts, the
/// chart and the console give that category and the pack, as they give 广告引流 for <c>ads</c>.
/// </summary>
public static class BlockedPictures
{
    public const string RuleId = "images.blocked";

    public const string Category = "images";

    public const string Name = "已屏蔽图片";
}
