using GroupGuard.Core.Detection.Detectors;

namespace GroupGuard.Core.Tests.Detection.Detectors;

public sealed class OrdinaryChatTests
{
    private static readonly IDetector[] All =
    [
        new ChineseIdCardDetector(TimeProvider.System),
        new ChineseMobileDetector(),
        new BankCardDetector(),
        new UrlDetector(),
    ];

    private static readonly string[] Lines =
    [
        "",
        "早上好！今天天气不错，大家出去走走吧。",
        "我们12:30在老地方见，别迟到哈",
        "这个手机才¥1999，比上个月便宜了200块。",
        "活动到2026-11-26截止，报名从速。",
        "欢迎加入，群号123456789，拉朋友进来吧～",
        "QQ 2851234567 是我小号",
        "新版本1.2.3修了好多bug，记得更新。",
        "圆周率是3.14159，这题选B。",
        "报告放在report.pdf里了，麻烦看一下。",
        "明天下午3点开会，会议室302，带上电脑。",
        "哈哈哈哈哈哈哈😂😂",
        "@全体成员 周五聚餐，人均80，AA制。",
        "老师说第5-8页要背，2024年的真题也看看。",
        "我家电话是010-62345678，有事打这个。",
        "10086打不通，客服热线400-800-8888也占线。",
        "温度：-5℃到3℃，注意保暖。",
        "股价涨了3.5%，成交量1,234,567手。",
        "好的。谢谢。收到。",
    ];

    public static TheoryData<string> ChatLines => new(Lines);

    [Theory]
    [MemberData(nameof(ChatLines))]
    public void Ordinary_chat_lines_yield_nothing(string line)
    {
        foreach (var detector in All)
        {
            var matches = new List<DetectorMatch>();
            detector.Find(line, matches);
            Assert.True(matches.Count == 0, $"{detector.Name} matched '{string.Join("', '", matches.Select(m => m.Value))}' in: {line}");
        }
    }

    [Fact]
    public void Text_with_nothing_to_report_allocates_nothing()
    {
        var matches = new List<DetectorMatch>(16);
        foreach (var detector in All)
        {
            foreach (var line in Lines)
            {
                detector.Find(line, matches); // warm up
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var detector in All)
        {
            foreach (var line in Lines)
            {
                detector.Find(line, matches);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Empty(matches);
    }

    [Fact]
    public void Random_text_never_throws_and_every_span_is_what_was_written()
    {
        const string alphabet = "0123456789０１２３４５６７８９   --－　+＋Xx.．。:/@_()wwhtpscomxyz中文，";
        var random = new Random(20261126);
        var matches = new List<DetectorMatch>();
        for (var round = 0; round < 20000; round++)
        {
            var chars = new char[random.Next(0, 60)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = random.Next(8) == 0 ? (char)random.Next(0, 0x10000) : alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            foreach (var detector in All)
            {
                matches.Clear();
                detector.Find(text, matches);
                var previousEnd = 0;
                foreach (var match in matches)
                {
                    Assert.True(match.Start >= previousEnd && match.Length > 0, $"{detector.Name} on '{text}'");
                    Assert.Equal(text.Substring(match.Start, match.Length), match.Value);
                    previousEnd = match.Start + match.Length;
                }
            }
        }
    }
}
