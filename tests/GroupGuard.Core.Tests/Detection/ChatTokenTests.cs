using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// Faces and mentions written as text ([阴险], /斜眼笑, @name, //@name:, 回复@name:) are no words of
/// the message: no term matches inside one, and none is stitched together through one.
/// </summary>
public sealed class ChatTokenTests
{
    private static readonly Lazy<RuleSet> Rules = new(() => MessageDetectorTests.Load("""
        pack: t
        rules:
          - id: t.terms
            terms: [阴险, 尼哥, 傻逼, 斜眼, 鄙视女人, 广告, 约炮, 草泥马]
        """));

    private static Verdict Detect(string text) => MessageDetector.Detect(Rules.Value, text, "1");

    [Theory]
    [InlineData("[阴险]")] // the issue's words: QQ's and WeChat's face, written as text
    [InlineData("哈哈[阴险]你懂的")]
    [InlineData("[陰險]")] // traditional
    [InlineData("［阴险］")] // full-width brackets
    [InlineData("[鄙视]女人就是这样")] // a face is not the start of a term either
    [InlineData("[草泥马]")] // Weibo's alpaca
    [InlineData("/斜眼笑")] // QQ's slash face
    [InlineData("好的/斜眼笑")]
    [InlineData("/doge傻/doge逼")]
    [InlineData("悉尼[捂脸]哥们好")] // a face is a clause break: nothing is stitched through it
    [InlineData("傻[旺柴]逼")]
    public void No_term_matches_inside_a_face_or_through_one(string text)
    {
        var verdict = Detect(text);

        Assert.False(verdict.Flagged, string.Join(", ", verdict.Hits.Select(h => $"{h.Matched}@{h.Start}")));
    }

    [Theory]
    [InlineData("@今日悉尼: 哥错捏")] // the issue's words: a repost chain
    [InlineData("//@今日悉尼:哥错捏")]
    [InlineData("回复@今日悉尼:哥错捏")]
    [InlineData("@今日悉尼 哥错捏")]
    [InlineData("转发@今日悉尼哥错捏")] // a name runs on to the first space or punctuation, as Weibo reads it
    [InlineData("＠阴险小人：你好")] // no term matches inside a name
    [InlineData("@约炮达人 在吗")]
    public void No_term_matches_inside_a_mention_or_through_one(string text)
    {
        var verdict = Detect(text);

        Assert.False(verdict.Flagged, string.Join(", ", verdict.Hits.Select(h => $"{h.Matched}@{h.Start}")));
    }

    [Theory]
    [InlineData("[微笑]傻逼", "傻逼")]
    [InlineData("傻逼[微笑]", "傻逼")]
    [InlineData("@张三 你个傻逼", "傻逼")]
    [InlineData("//@张三:傻逼", "傻逼")]
    [InlineData("[广告]加我", "广告")] // a bracketed word that is no face is text: [约炮] must not hide 约炮
    [InlineData("来[约炮]吗", "约炮")]
    [InlineData("x/斜眼", "斜眼")] // a slash inside a word or path starts no face
    [InlineData("/斜眼看人", "斜眼")] // nor a slash before words that are no face
    public void Text_around_a_face_or_mention_still_fires_and_the_span_points_at_it(string text, string written)
    {
        var hit = Assert.Single(Detect(text).Hits);

        Assert.Equal(written, text.Substring(hit.Start, hit.Length));
    }

    [Fact]
    public void An_at_sign_in_an_e_mail_address_or_before_a_long_run_of_text_is_no_mention()
    {
        var longRun = "@" + new string('哈', ChatTokenLimit - 1) + "傻逼";

        Assert.True(Detect("写信到sb@傻逼网").Flagged);
        Assert.True(Detect(longRun).Flagged);
    }

    private const int ChatTokenLimit = GroupGuard.Core.Text.ChatTokens.MaxMentionLength;
}
