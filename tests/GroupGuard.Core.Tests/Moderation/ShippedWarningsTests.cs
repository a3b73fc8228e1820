using GroupGuard.Core.Moderation;
using GroupGuard.Core.Tests.Detection;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary>
/// The warnings the shipped packs post in a group, as the members of a school parents' group read
/// them: what the group does not allow, in Chinese, short enough for one line of a phone, never an
/// accusation (the rule may be wrong about the message), an English name or a rule id.
/// </summary>
public sealed class ShippedWarningsTests
{
    public static TheoryData<string> Packs() => [.. ShippedRules.Value.Rules.Select(r => r.PackId).Distinct()];

    [Theory]
    [MemberData(nameof(Packs))]
    public void Each_packs_warning_says_what_is_not_allowed_in_plain_chinese_on_one_phone_line(string pack)
    {
        foreach (var rule in ShippedRules.Value.Rules.Where(r => r.PackId == pack))
        {
            var warning = ModerationPolicy.Warning(rule);

            Assert.True(warning.Length <= 30, $"{rule.Id}: {warning} ({warning.Length} characters)");
            Assert.DoesNotContain(warning, c => char.IsAsciiLetter(c) || c is ',' or ':' or ';' or '!' or '?' or '(' or ')');
            Assert.DoesNotContain(rule.Id, warning, StringComparison.Ordinal);
            Assert.DoesNotContain("相关内容", warning, StringComparison.Ordinal);
            foreach (var accusing in new[] { "诈骗", "骗子", "引流", "泄露", "招揽", "仇恨" })
            {
                Assert.DoesNotContain(accusing, warning, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("fraud.brushing", "本群不允许发布刷单兼职、贷款、荐股、代办证件、买卖账号等信息")]
    [InlineData("ads.contact-id", "本群不允许发广告、留联系方式或拉人进群")]
    [InlineData("ads.qr-wechat-group", "本群不允许发广告、留联系方式或拉人进群")]
    [InlineData("abuse.threat", "请文明发言，不要辱骂或攻击他人")]
    [InlineData("privacy.id-card", "为保护隐私，请勿在群里发身份证号、银行卡号或手机号")]
    [InlineData("spam.flood", "请勿刷屏")]
    [InlineData("spam.at-all", "只有群主和管理员可以@全体成员")]
    public void A_members_warning_names_what_the_group_does_not_allow(string rule, string warning) =>
        Assert.Equal(warning, ModerationPolicy.Warning(ShippedRules.Value.Rules.Single(r => r.Id == rule)));
}
