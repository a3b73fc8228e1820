using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Text.Jieba;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Every kind of evasion in docs/detection.md, generated from a small pack with the real segmenter:
/// each kind must be seen through, and ordinary chat around the same words must not be flagged.
/// </summary>
[Collection(JiebaCollection.Name)]
public sealed class EvasionTests : IDisposable
{
    private static readonly (string Term, string Traditional)[] Terms =
    [
        ("兼职刷单", "兼職刷單"), ("约炮", "約炮"), ("赌博网站", "賭博網站"), ("傻逼", "傻逼"), ("加微信", "加微信"), ("代开发票", "代開發票"),
        ("fuck", "fuck"), ("加vx", "加vx"),
    ];

    private readonly TempFolder _folder = new();
    private readonly RuleSet _rules;
    private readonly JiebaWordSegmenter _segmenter = new(NullLogger<JiebaWordSegmenter>.Instance);

    public EvasionTests()
    {
        _folder.Write("pack.yaml", $"pack: e\nrules:\n  - id: e.terms\n    pinyin: true\n    terms: [{string.Join(", ", Terms.Select(t => t.Term))}]\n");
        var result = RuleLoader.Load(_folder.Path); // no variants.txt: the shipped ones are built in
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        _rules = result.RuleSet!;
        _segmenter.UseTerms(_rules.Version, _rules.WordTerms);
    }

    private bool Caught(string text) => MessageDetector.Detect(_rules, text, "1", _segmenter).Flagged;

    private static string Join(string term, string between) => string.Join(between, term.EnumerateRunes().Select(r => r.ToString()));

    private static string FullWidth(string text) => new([.. text.Select(c => c is >= '!' and <= '~' ? (char)(c + 0xFEE0) : c)]);

    public static TheoryData<string> Kinds => new()
    {
        "spaces", "symbols", "circled", "circledletters", "emoji", "fullwidth", "mixedcase", "repeats", "traditional", "zerowidth",
        "homophones", "pinyin", "initials", "mixed", "vertical",
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_of_evasion_is_seen_through(string kind)
    {
        var samples = kind switch
        {
            "spaces" => Terms.Select(t => $"快来 {Join(t.Term, " ")} 啦"),
            "symbols" => Terms.Select(t => $"快来{Join(t.Term, "*")}啦").Concat(Terms.Select(t => $"{Join(t.Term, "-_-")}!")),
            "circled" => Terms.Select(t => Join(t.Term, "①")),
            "circledletters" => ["ⓕⓤⓒⓚ you", "ⒻⓊⒸⓀ", "🅕🅤🅒🅚 you", "🄵🅄🄲🄺", "加ⓋⓍ：abc", "你个ⓢⓑ", "加ⓥ信"],
            "emoji" => Terms.Select(t => $"看{Join(t.Term, "😀")}"),
            "fullwidth" => ["ＦＵＣＫ you", "加ＶＸ：abc", FullWidth("fuck off")],
            "mixedcase" => ["FuCk you", "ｆuｃK", "加Vx号"],
            "repeats" => Terms.Where(t => !char.IsAsciiLetter(t.Term[^1])).Select(t => string.Concat(t.Term.Select(c => new string(c, 2))))
                .Append("fuuuuck").Append("加加vvvxxx"),
            "traditional" => Terms.Select(t => $"有人{t.Traditional}嗎"),
            "zerowidth" => Terms.Select(t => Join(t.Term, "\u200B")).Concat(Terms.Select(t => Join(t.Term, "\u200D\uFE0F"))),
            "homophones" => ["快加薇信", "快加威信", "快加V信", "加徽信领红包"],
            "pinyin" => ["jianzhishuadan 日结", "ni shi sha bi ba", "yuepao ma", "daikaifapiao 联系我"],
            "initials" => ["你就是个sb", "jzsd 了解一下", "今晚yp吗"],
            "mixed" => ["你个傻b", "sha逼", "约pao吗", "jianzhi刷单"],
            "vertical" => Terms.Select(t => $"快\n来\n{Join(t.Term, "\n")}").Concat(Terms.Select(t => $"看 \r\n{Join(t.Term, " \r\n")}\r\n啊")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var missed = samples.Where(s => !Caught(s)).ToList();

        Assert.Empty(missed);
    }

    [Theory]
    [InlineData("今天晚上约了朋友打球")]
    [InlineData("这个网站的博客写得不错")]
    [InlineData("发票已经开好了，放在前台")]
    [InlineData("兼职老师下周来上课")]
    [InlineData("His sbt build failed")]
    [InlineData("I am so happy")]
    [InlineData("微信支付和支付宝都可以")]
    [InlineData("他的威信很高")]
    [InlineData("今天约了\n炮兵博物馆\n一起去")]
    public void Ordinary_chat_around_the_same_words_is_not_flagged(string text)
    {
        Assert.False(Caught(text));
    }

    public void Dispose() => _folder.Dispose();
}
