using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Text.Jieba;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The false positives of ordinary posts and reviews (issue 10), in their own words, with the real
/// segmenter: faces and mentions, stitching across clauses, doubled words counted once, and insults
/// aimed at things; and beside each, what must still fire.
/// </summary>
[Collection(JiebaCollection.Name)]
public sealed class EverydayWordsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly RuleSet _rules;
    private readonly JiebaWordSegmenter _segmenter = new(NullLogger<JiebaWordSegmenter>.Instance);

    public EverydayWordsTests()
    {
        _folder.Write("pack.yaml", """
            pack: w
            rules:
              - id: w.abuse
                terms: [他妈的, 你妈的, 个屁, 傻逼, 死妈, 尼哥, 女人都是, 阴险, 兼职刷单]
              - id: w.trash
                terms: [垃圾, 真垃圾, 什么垃圾, 是垃圾]
                target: person
                unless: [垃圾站]
            """);
        var result = RuleLoader.Load(_folder.Path);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        _rules = result.RuleSet!;
        _segmenter.UseTerms(_rules.Version, _rules.WordTerms);
    }

    private Verdict Detect(string text) => MessageDetector.Detect(_rules, text, "1", _segmenter);

    [Theory]
    [InlineData("[阴险]")]
    [InlineData("@今日悉尼: 哥错捏")]
    [InlineData("新闻已死: 妈的")]
    [InlineData("女人，都是有故事的")]
    [InlineData("他妈妈的")]
    [InlineData("你妈妈的路上")]
    [InlineData("好个屁屁")]
    [InlineData("快递真垃圾")]
    [InlineData("什么垃圾玩意")]
    [InlineData("就是垃圾站")]
    [InlineData("这破手机真垃圾，三天就坏了")]
    [InlineData("其他垃圾放这边")]
    [InlineData("人工客服真垃圾")]
    [InlineData("个人觉得这个快递真垃圾")]
    public void The_issues_false_positives_stay_quiet(string text)
    {
        var verdict = Detect(text);

        Assert.False(verdict.Flagged, string.Join(", ", verdict.Hits.Select(h => $"{h.Rule.Id} {h.Matched}@{h.Start}")));
    }

    [Theory]
    [InlineData("你就是个垃圾", "w.trash")]
    [InlineData("这个人真垃圾", "w.trash")]
    [InlineData("这人真垃圾", "w.trash")]
    [InlineData("这种人就是垃圾", "w.trash")]
    [InlineData("垃圾人", "w.trash")]
    [InlineData("司机真垃圾", "w.trash")]
    [InlineData("@张三 你个傻逼", "w.abuse")]
    [InlineData("[微笑]你妈的", "w.abuse")]
    [InlineData("傻傻逼逼", "w.abuse")]
    [InlineData("傻逼逼逼", "w.abuse")]
    [InlineData("兼兼职职刷刷单单", "w.abuse")]
    [InlineData("他妈的的确很烦", "w.abuse")]
    [InlineData("女人都是骗子", "w.abuse")]
    public void What_is_aimed_at_someone_still_fires(string text, string rule)
    {
        Assert.Contains(Detect(text).Hits, h => h.Rule.Id == rule);
    }

    public void Dispose() => _folder.Dispose();
}
