using GroupGuard.Core.Detection;
using GroupGuard.Core.Detection.Detectors;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Detection.Detectors;

/// <summary>
/// The promo detector: adverts of many trades fire on the signals that sit together in them,
/// while members talking about shopping, buyers' reviews, notices and questions stay quiet.
/// </summary>
public sealed class PromoDetectorTests
{
    [Theory]
    [InlineData("周年店庆，全场七折，会员再送积分，欢迎新老顾客光临", "Discount, Action")]
    [InlineData("闲置婴儿床转让，九成新，200元，同城自提", "Sell, Price")]
    [InlineData("专业疏通管道，随叫随到，电话18612345678", "Service, Contact")]
    [InlineData("【优选超市】尊敬的会员，本周生鲜特惠，鸡蛋每斤4.5元，回T退订", "Marketing, Discount")]
    [InlineData("英语口语一对一辅导，外教授课，试听课免费，欢迎家长报名", "Service, Action")]
    [InlineData("精装一室一厅出租，押一付三，月租1800，看房联系我", "Sell, Action")]
    [InlineData("打个广告哈，我家新烤的蛋黄酥，一盒六个三十元，需要的私我", "Sell, Price")]
    [InlineData("网店上新，秋冬毛衣59元起，链接 https://shop.example.com/a1", "Sell, Link")]
    [InlineData("高价收号，V信：game8899", "Contact")] // V信 and Vx as typed, capital V and all
    [InlineData("出售游戏金币，Vx：game8899", "Contact")]
    public void An_advert_fires_and_names_its_signals(string text, string signals)
    {
        var expected = Enum.Parse<PromoSignals>(signals);
        var score = PromoDetector.Score(text);

        Assert.True(score.Fires, $"score {score.Score} ({score.Signals}; against {score.Against}) for: {text}");
        Assert.Equal(expected, score.Signals & expected);

        var matches = Find(text);
        var match = Assert.Single(matches);
        Assert.Equal(text.Substring(match.Start, match.Length), match.Value);
    }

    [Theory]
    [InlineData("昨天超市鸡蛋特价，我排了半个小时队才买到")]
    [InlineData("这家店打折吗？还是原价？")]
    [InlineData("他们家火锅团购套餐挺划算，下次一起去吃")]
    [InlineData("孩子报了个钢琴班，一节课两百，太贵了")]
    [InlineData("买了一个月了，物流很快，客服态度也好，价格实惠，好评")]
    [InlineData("入住的是特价房，房间小但是干净，前台服务不错，早餐一般")]
    [InlineData("门票淡季四十元，旺季六十元，学生凭证半价")]
    [InlineData("谨防骗子！最近有人冒充客服，说办理贷款无抵押当天放款，让扫码交保证金")]
    [InlineData("有谁知道哪里修空调靠谱吗？上门费多少钱？")]
    [InlineData("春游报名截止到周三，每人费用六十五元，包含门票和午餐")]
    [InlineData("我们公司最近在招人，你要不要投个简历")]
    [InlineData("下个月房租又要涨了，月租两千五，真受不了")]
    [InlineData("这套洗护用品是秒杀时买的，又用了优惠券，很划算。下午下单第二天就到货了，京东速度真快")]
    [InlineData("商品很满意，也很实惠，售后上门安装也挺及时")]
    [InlineData("价格不算最便宜，招商银行信用卡可以分期，还行")]
    [InlineData("价格一般，招商还是建行的卡都能分期付款，人家店里也行")]
    [InlineData("套餐里的饮料没了，送餐员说是因为优惠活动取消了，实在糟糕")]
    [InlineData("这个双人套餐四十元，看上去还没有隔壁的套餐好")]
    [InlineData("说好下单满五十元赠送饮料，可是没有送")]
    [InlineData("缺点：自助早餐三十元一位，退房还要排队半小时")]
    [InlineData("房间干净，离地铁近。网站导航 诚聘英才 代理合作 广告业务 联系我们 Copyright 2008 example.com All Rights Reserved")]
    public void Talk_about_shopping_reviews_notices_and_questions_stay_quiet(string text)
    {
        var score = PromoDetector.Score(text);

        Assert.False(score.Fires, $"score {score.Score} ({score.Signals}; against {score.Against}) for: {text}");
        Assert.Empty(Find(text));
    }

    [Fact]
    public void A_buyers_words_count_against_the_same_offer()
    {
        const string advert = "新款空气炸锅特价199元，包邮，欢迎下单";
        const string review = "新款空气炸锅特价199元，包邮，我买了，收到了";

        Assert.True(PromoDetector.Score(advert).Fires);
        var quiet = PromoDetector.Score(review);
        Assert.False(quiet.Fires);
        Assert.Equal(PromoSignals.Buyer, quiet.Against & PromoSignals.Buyer);
    }

    [Fact]
    public void Signals_far_apart_in_a_long_message_do_not_add_up()
    {
        // An offer at the start and a way to reach someone 200 characters later: not one advert.
        var text = "楼下水果店今天有特价西瓜。" + new string('嗯', 200) + "有事联系我";

        Assert.False(PromoDetector.Score(text).Fires);

        // The same signals side by side do.
        Assert.True(PromoDetector.Score("楼下水果店今天特价西瓜，五元一斤，需要的联系我").Fires);
    }

    [Fact]
    public void The_match_is_the_window_that_scored_inside_a_longer_message()
    {
        const string advert = "少儿围棋班开课啦，前十名报名立减三百，电话13512345678";
        var text = "大家晚上好，今天的作业都发在群里了。" + advert;

        var match = Assert.Single(Find(text));

        Assert.True(match.Start >= text.IndexOf(advert, StringComparison.Ordinal), $"window starts at {match.Start}");
        Assert.EndsWith("13512345678", match.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hostile_message_of_shop_words_and_prices_is_scored_without_blowing_up()
    {
        var text = string.Concat(Enumerable.Repeat("店特价5元欢迎", 20_000));

        var score = PromoDetector.Score(text);

        Assert.True(score.Fires);
        Assert.True(score.End - score.Start <= PromoDetector.WindowChars + 16, $"window {score.Start}..{score.End}");
    }

    [Fact]
    public void Text_without_an_offer_allocates_nothing()
    {
        string[] lines = ["早上好，今天开会吗", "欢迎新同学，大家互相认识一下", "有事请联系班主任，电话在群公告里", "哈哈哈哈"];
        var matches = new List<DetectorMatch>(4);
        var detector = new PromoDetector();
        foreach (var line in lines)
        {
            detector.Find(line, matches); // warm up
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var line in lines)
        {
            detector.Find(line, matches);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Empty(matches);
    }

    [Fact]
    public void A_pack_rule_names_the_detector_and_its_hit_quotes_the_window()
    {
        using var dir = new TempFolder();
        dir.Write("promo.yaml", """
            pack: promo
            category: ads
            action: recall
            rules:
              - id: promo.scored
                detector: promo
            """);
        var result = RuleLoader.Load(dir.Path);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var rules = result.RuleSet!;

        var advert = MessageDetector.Detect(rules, "二手电动车出售，电池新换的，八百元，有意者私聊", "1001");
        var chat = MessageDetector.Detect(rules, "我的电动车电池坏了，换一个要八百元，心疼", "1001");

        var hit = Assert.Single(advert.Hits);
        Assert.Equal("promo.scored", hit.Rule.Id);
        Assert.Contains("出售", hit.Matched, StringComparison.Ordinal);
        Assert.Empty(chat.Hits);
    }

    /// <summary>
    /// The long phrase lists are matched by a switch on a branch's first character only while
    /// branches with the same first character stand together and none begins with a lookaround;
    /// a phrase added at the end would quietly send every position back through all the branches.
    /// </summary>
    [Fact]
    public void Long_phrase_lists_keep_branches_with_the_same_first_character_together()
    {
        foreach (var regex in new[] { PromoDetector.Discount(), PromoDetector.Sell(), PromoDetector.Action() })
        {
            var branches = TopLevelBranches(regex.ToString());
            Assert.True(branches.Count > 50, $"{branches.Count} branches in {regex}");
            var firsts = new List<char>();
            foreach (var branch in branches)
            {
                Assert.False(branch.Length == 0 || "([\\.^$".Contains(branch[0], StringComparison.Ordinal), $"branch '{branch}' does not begin with a plain character");
                if (firsts.Count == 0 || firsts[^1] != branch[0])
                {
                    Assert.DoesNotContain(branch[0], firsts);
                    firsts.Add(branch[0]);
                }
            }
        }
    }

    [Theory]
    [InlineData("招商银行的信用卡还款", "")]
    [InlineData("坐出租车去的", "")]
    [InlineData("门店招店员，月入过万", "招店员, 月入")]
    [InlineData("出一台九成新的相机", "出一台")]
    [InlineData("100元出给有缘人", "出给")]
    public void Phrases_for_sale_match_as_written(string text, string expected)
    {
        var found = PromoDetector.Sell().Matches(text).Select(m => m.Value);
        Assert.Equal(expected, string.Join(", ", found));
    }

    private static List<string> TopLevelBranches(string pattern)
    {
        var branches = new List<string>();
        var depth = 0;
        var inClass = false;
        var start = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[' when !inClass:
                    inClass = true;
                    break;
                case ']' when inClass:
                    inClass = false;
                    break;
                case '(' when !inClass:
                    depth++;
                    break;
                case ')' when !inClass:
                    depth--;
                    break;
                case '|' when !inClass && depth == 0:
                    branches.Add(pattern[start..i]);
                    start = i + 1;
                    break;
            }
        }

        branches.Add(pattern[start..]);
        return branches;
    }

    private static List<DetectorMatch> Find(string text)
    {
        var matches = new List<DetectorMatch>();
        new PromoDetector().Find(text, matches);
        return matches;
    }
}
