using System.Text.RegularExpressions;

namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// <c>promo</c>: commercial promotion, scored. No one phrase makes a message an advert (a member
/// may say a shop has 特价, a review may name a price), so the detector adds up weaker signals that
/// sit close together: a price, a discount, something for sale, hire or rent, a service offered, a
/// call to act (咨询, 报名, 到店, 私聊), a phone number or contact id, marketing-SMS formulae, and
/// shop words. Talk by a buyer (买了, 收到, 好评, 入住), a public notice or a warning about scams,
/// and a question count against it. The message is scored on its best window of
/// <see cref="WindowChars"/> characters, and fires at <see cref="Threshold"/> when the window holds an
/// offer and either a way to reach the seller or a second offer. The match is that window.
/// </summary>
internal sealed partial class PromoDetector : IDetector
{
    public const string DetectorName = "promo";

    /// <summary>The score at which a message counts as promotion.</summary>
    public const int Threshold = 6;

    /// <summary>Signals count together only when they start within this many characters.</summary>
    public const int WindowChars = 80;

    /// <summary>Longer than this, a message takes 2 off its score.</summary>
    public const int LongText = 150;

    // A hostile message full of shop words stays linear: at most this many matches per signal.
    private const int MaxMatchesPerSignal = 256;

    private static readonly Comparer<(int Start, int End, PromoSignal Signal)> TextOrder =
        Comparer<(int Start, int End, PromoSignal Signal)>.Create((a, b) =>
            a.Start != b.Start ? a.Start.CompareTo(b.Start)
            : a.End != b.End ? b.End.CompareTo(a.End)
            : a.Signal.CompareTo(b.Signal));

    // Reused per thread, so that ordinary chat costs no allocation.
    [ThreadStatic]
    private static List<(int Start, int End, PromoSignal Signal)>? Found;

    public string Name => DetectorName;

    /// <summary>
    /// An advert needs an offer (a price, a discount, something for sale, a service, a referral):
    /// each offer pattern is a part, needing what RequiredLiterals reads from it, and only the
    /// offer patterns whose literals a message holds are run on it.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<LiteralSet>> Parts => OfferLiterals.Value;

    public void Find(string text, List<DetectorMatch> matches) => Find(text, matches, ulong.MaxValue);

    public void Find(string text, List<DetectorMatch> matches, ulong parts)
    {
        var score = Score(text, parts, explain: false);
        if (score.Fires)
        {
            matches.Add(new DetectorMatch(score.Start, score.End - score.Start, text[score.Start..score.End]));
        }
    }

    /// <summary>What the detector makes of <paramref name="text"/>: its best window and why.</summary>
    public static PromoScore Score(string text) => Score(text, ulong.MaxValue, explain: true);

    /// <summary>
    /// The same, where only the offer signals whose bits (by their order in the table) are set in
    /// <paramref name="offers"/> can match: the others are not run. Unless asked to
    /// <paramref name="explain"/>, a message whose best window could not reach the threshold before
    /// the penalty is answered without reading the penalty.
    /// </summary>
    private static PromoScore Score(string text, ulong offers, bool explain)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 4)
        {
            return PromoScore.None;
        }

        // Offers come first in the table: a message with none (most chat) is done after their six scans.
        var found = Found ??= new List<(int Start, int End, PromoSignal Signal)>(64);
        found.Clear();
        foreach (var (signal, _, regex) in Signals)
        {
            if (signal == FirstNonOffer && found.Count == 0)
            {
                return PromoScore.None;
            }

            if (signal < FirstNonOffer && (offers & (1UL << (int)signal)) == 0)
            {
                continue;
            }

            var count = 0;
            foreach (var m in regex.EnumerateMatches(text))
            {
                found.Add((m.Index, m.Index + m.Length, signal));
                if (++count == MaxMatchesPerSignal)
                {
                    break;
                }
            }
        }

        found.Sort(TextOrder);

        // Words count once: where two signals overlap (上门检测 is a service and holds 上门, a call to
        // act), the leftmost and then longest stands for both. Shop words are weak and always count.
        var kept = 0;
        var keptEnd = 0;
        for (var i = 0; i < found.Count; i++)
        {
            var match = found[i];
            if (match.Signal == PromoSignal.Shop || match.Start >= keptEnd)
            {
                found[kept++] = match;
                keptEnd = match.Signal == PromoSignal.Shop ? keptEnd : match.End;
            }
        }

        found.RemoveRange(kept, found.Count - kept);

        // The best window before the penalty: the penalty is the same for every window (it is read
        // from the whole message), so it lowers the best one's score without changing which it is.
        var best = PromoScore.None;
        Span<int> counts = stackalloc int[SignalCount];
        for (var i = 0; i < found.Count; i++)
        {
            counts.Clear();
            var windowEnd = found[i].Start + WindowChars;
            var end = found[i].End;
            for (var j = i; j < found.Count && found[j].Start < windowEnd; j++)
            {
                counts[(int)found[j].Signal]++;
                end = Math.Max(end, found[j].End);
            }

            var score = WindowScore(counts);
            if (!HasOfferAndReach(counts, text.AsSpan(found[i].Start, Math.Min(WindowChars, text.Length - found[i].Start))))
            {
                score = Math.Min(score, Threshold - 1);
            }

            if (score > best.Score || best.Signals == PromoSignals.None)
            {
                best = new PromoScore(score, found[i].Start, end, Present(counts), PromoSignals.None);
            }
        }

        // The penalty (only ever a lowering) is read when it can matter: to explain, or when the
        // best window could fire without it.
        if (best.Signals == PromoSignals.None || (!explain && !best.Fires))
        {
            return PromoScore.None;
        }

        var penalty = Penalty(text, out var against);
        return best with { Score = best.Score - penalty, Against = against };
    }

    private static int WindowScore(ReadOnlySpan<int> counts)
    {
        var score = 0;
        foreach (var (signal, weight, _) in Signals)
        {
            var n = counts[(int)signal];
            if (n == 0)
            {
                continue;
            }

            score += signal switch
            {
                // Shop words are weak alone, and add up to three.
                PromoSignal.Shop => weight * Math.Min(n, 3),

                // A second discount or a second thing for sale is a stronger sign than the first.
                PromoSignal.Discount or PromoSignal.Sell when n > 1 => weight + 2,
                _ => weight,
            };
        }

        return score;
    }

    /// <summary>
    /// An offer (price, discount, sale, service) and a way to act on it; or, without one, a sale or
    /// service with another offer, or several discounts in a shop.
    /// </summary>
    private static bool HasOfferAndReach(ReadOnlySpan<int> counts, ReadOnlySpan<char> window)
    {
        var offers = Kinds(counts, PromoSignal.Price, PromoSignal.UnitPrice, PromoSignal.Discount, PromoSignal.Sell, PromoSignal.Service, PromoSignal.Referral);
        if (offers == 0)
        {
            return false;
        }

        if (Kinds(counts, PromoSignal.Referral, PromoSignal.Action, PromoSignal.Contact, PromoSignal.Landline, PromoSignal.Marketing, PromoSignal.Link) > 0)
        {
            return true;
        }

        if ((counts[(int)PromoSignal.Sell] > 0 || counts[(int)PromoSignal.Service] > 0) && offers >= 2)
        {
            return true;
        }

        return counts[(int)PromoSignal.Discount] >= 2 && ShopFloor().IsMatch(window);
    }

    private static int Kinds(ReadOnlySpan<int> counts, params ReadOnlySpan<PromoSignal> signals)
    {
        var kinds = 0;
        foreach (var signal in signals)
        {
            kinds += counts[(int)signal] > 0 ? 1 : 0;
        }

        return kinds;
    }

    private static PromoSignals Present(ReadOnlySpan<int> counts)
    {
        var present = PromoSignals.None;
        for (var i = 0; i < SignalCount; i++)
        {
            if (counts[i] > 0)
            {
                present |= (PromoSignals)(1 << i);
            }
        }

        return present;
    }

    /// <summary>What counts against promotion anywhere in the message: a buyer's talk, a notice, a question.</summary>
    private static int Penalty(string text, out PromoSignals against)
    {
        against = PromoSignals.None;
        var penalty = 0;

        // Each different buyer phrase, up to three, counts: 买了…收到 is a review, not a slip.
        var buyer = Distinct(Buyer(), text, 3);
        // Weaker hints of a buyer (很实惠, 客服, 环境) take less, up to two: sellers use them too.
        var hints = Distinct(BuyerHint(), text, 2);
        if (buyer + hints > 0)
        {
            against |= PromoSignals.Buyer;
            penalty += (4 * buyer) + (2 * hints);
        }

        if (Notice().IsMatch(text))
        {
            against |= PromoSignals.Notice;
            penalty += 6;
        }

        if (Notification().IsMatch(text))
        {
            against |= PromoSignals.Notice;
            penalty += 6;
        }

        // A long post with one commercial passage is mostly something else (a review, a story); an
        // advert long enough to be that has signals to spare.
        if (text.Length > LongText)
        {
            penalty += 2;
        }

        if (Question().IsMatch(text))
        {
            against |= PromoSignals.Question;
            penalty += 2;
        }

        return penalty;
    }

    /// <summary>How many different phrases (at most <paramref name="most"/>) <paramref name="regex"/> finds in <paramref name="text"/>.</summary>
    private static int Distinct(Regex regex, string text, int most)
    {
        Span<(int Start, int Length)> seen = stackalloc (int, int)[most];
        var count = 0;
        foreach (var m in regex.EnumerateMatches(text))
        {
            var phrase = text.AsSpan(m.Index, m.Length);
            var known = false;
            foreach (var (start, length) in seen[..count])
            {
                known |= phrase.SequenceEqual(text.AsSpan(start, length));
            }

            if (!known)
            {
                seen[count++] = (m.Index, m.Length);
                if (count == most)
                {
                    break;
                }
            }
        }

        return count;
    }

    private const int SignalCount = 12;

    // Signals before this one in the table are offers.
    private const PromoSignal FirstNonOffer = PromoSignal.Action;

    private static readonly (PromoSignal Signal, int Weight, Regex Regex)[] Signals =
    [
        (PromoSignal.Price, 2, Price()),
        (PromoSignal.UnitPrice, 3, UnitPrice()),
        (PromoSignal.Discount, 3, Discount()),
        (PromoSignal.Sell, 3, Sell()),
        (PromoSignal.Service, 3, Service()),
        (PromoSignal.Referral, 4, Referral()),
        (PromoSignal.Action, 3, Action()),
        (PromoSignal.Contact, 4, Contact()),
        (PromoSignal.Landline, 2, Landline()),
        (PromoSignal.Link, 1, Link()),
        (PromoSignal.Marketing, 3, Marketing()),
        (PromoSignal.Shop, 1, Shop()),
    ];

    // In table order: bit k of Find's parts is the offer signal k.
    private static readonly Lazy<IReadOnlyList<IReadOnlyList<LiteralSet>>> OfferLiterals = new(() =>
        [.. Signals.Where(s => s.Signal < FirstNonOffer).Select(s => RequiredLiterals.Of(s.Regex.ToString()))]);

    // A price: a sum with a currency (not 万元/亿元, the sums of news and reports), a starting price
    // (168起), a price per unit (35元一斤, 50元/人, 128一瓶), a pack and its price (10斤装58), a named
    // price (体验价, 内购价). Digits masked as x (xxx元, x折, xxxxxxxxxxx), as templates and
    // collected adverts write them, count as digits here and in discounts and phone numbers.
    [GeneratedRegex(@"(?:总价|均价|售价|首付)\s*[\dxX]+(?:\.\d+)?\s*万?|(?<=\d\s*)[毛角]钱?(?![\w])|(?<=\d)[rR](?![A-Za-z])|(?<![A-Za-z])[xX]{2,}(?:\.[xX]+)?\s*元|(?:斤|箱|盒|瓶|包|袋)装?\s*\d+(?:\.\d+)?(?!\d)|(?<=\d)不刀|(?<=\d)万可谈|(?:起步|内购|助农|会员|团购|出厂|零售|秒杀|到手|折后|体验|活动|特惠)价|[¥￥]\s*\d|(?<=(?:^|[^亿万\d一二两三四五六七八九十百千几])[一二两三四五六七八九十百千几]+)(?:元|块钱)(?![旦宵素首])|(?<=\d元?)起(?!来|床|飞|步|诉)|(?<=\d\s*)(?:元|块钱?|rmb|RMB)(?!旦|素|宵|首|老|气|件事)|(?<=[\d一二两三四五六七八九十百千万])(?:元|块)(?:起|一(?:斤|个|只|件|套|箱|盒|份|位|人|晚|节|次|平|平米|天|月|年|双|串|台)|/(?:斤|个|件|套|箱|盒|份|人|晚|节|次|平|月|年))")]
    private static partial Regex Price();

    // A price for a unit, the way a seller writes it: 58一斤, 一盒68, 一天30, 5斤128, 30个25块, 1200一个月.
    [GeneratedRegex(@"(?<=\d(?:元|块钱?)?\s*)(?:一|/|每)(?:斤|两|个|只|盒|瓶|罐|袋|包|件|套|箱|份|位|人|晚|节|课|次|局|把|平|平米|天|月|个月|年|双|串|台|支|张|辆|块|片|本|条|杯|碗|小时)|(?<![一二三四五六七八九十\d])(?:一|每)(?:斤|两|个|只|盒|瓶|罐|袋|包|件|套|箱|份|位|人|晚|节|课|次|局|把|平|平米|天|月|个月|年|双|串|台|支|张|辆|块|片|本|条|杯|碗|小时)(?:的)?\s*\d+(?:\.\d+)?(?:元|块)?(?![\d.岁年月日天号点时分秒米个次人位件%])|(?<=\d)(?:斤|个|只|盒|瓶|片|包|袋|件)(?:装|的)?\s*\d+(?:\.\d+)?(?:元|块)?(?![\d.个只盒瓶斤片包袋件])")]
    private static partial Regex UnitPrice();

    // Discount, Sell and Action are long lists of phrases. Their branches stand in the order of
    // their first characters (branches with the same first character in their order of priority,
    // which decides the match; a lookbehind written after the character it precedes), so that the
    // generated matcher picks the branches to try by a switch on the character where a match could
    // start instead of trying each in turn: about twice as fast, the same matches on the 314,112
    // corpus and fixture lines. Keep the order when adding one (PromoDetectorTests checks it).

    // A discount, a deal or a guarantee: 五折, 满200减30, 买一送一, 只要99, 包邮, 不通不收费, 当天放款.
    [GeneratedRegex(@"一口价|不\w{1,3}不(?:收钱|要钱|收费)|不\w{1,3}不收费|不\w{1,3}(?:退款|全额退)|不过退|买[一二三四五六七八九十\d]+[个盒瓶件支袋份罐]?送[一二三四五六七八九十\d]+|买[一二三四五十\d]送[一二三四五\d]|仅[\d一二三四五六七八九]|仅需|代金券|以旧换新|价格(?:美丽|好说)|价格(?:公道|合理|好商量|可议|面议|可谈|优惠|实惠)|优惠券|优惠|会员(?:专享|日|价)|低至|低价|体验价|便宜(?:卖|出|处理|转)|促销|保本保息|充\d+送\d+|先息后本|免单|免费(?:领|送|试|体验|上门|咨询|安装|检测|入场|评估|设计)|免息|全额退|全场|分期|划算|包(?:上分|教包会|回本|过)|包赔|包退|包换|包邮|包过|包教|包就业|包接送|包吃住|半价|原价|双倍积分|只要[\d一二三四五六七八九十百千几]|只需|可议价|回馈|大促|学生党价|实惠|当天(?:付款|放款|办好|到账|下款)|打折|批发价|折(?<=[一二三四五六七八九\dxX](?:\.[\dxX])?折)|折起|抵用券|支持分期|无效退|早鸟|活动价|清仓|满[\dxX]+元?立?减[\dxX]+|满\d+减\d+|满减|特价|特惠|现价|甩卖|直降|神券|福利|秒到账|秒结|秒杀|积分(?:兑换|可兑换|抵现|翻倍)|稳赚|立减|第二(?:件|份|杯|罐|个|瓶)|货到付款|赠送?价值|赠送|进群(?:就)?送|送全屋|送(?:红包|话费|加油卡|米面油)|送精美|酬宾|量大从优|降价|限时|限购|面议|预售")]
    internal static partial Regex Discount();

    // Something for sale, hire, rent or recruitment, a new shop or stock; 打个广告 says it outright.
    [GeneratedRegex(@"一件代发|上新|上市了|专卖|亏本卖|代(?:练|打|肝|升|充|买|收|拍|跑)|代办|代写|代购|代发|代理|会员卡|低价卖|低价出|便宜卖|便宜出|充值|兼职|出(?:闲置|号|账号|一[台个辆件套张部只])|出个|出售|出租(?!车)|出(?<=[一二三四五六七八九十百千\d]元?出)(?:$|[，。,！!]|给)|出一[台个辆件套张部]|出闲置|出炉|到货|办卡|加盟商|加盟|包活|卖(?:鞋|货|衣服|水果|茶)|卖房|卖车|厂家直(?:销|供|发)|原价转|可贷|合租还有|回收|团购|在家办公|套餐|定制|工厂直(?:销|供|发)|带货|年卡|开播|开课|开班|开团|开业|开盘|开张|急招|急售|打(?:个|一下)?广告|批发|找新家|承接|投保|招(?:临时工|小时工|分拣)|招(?:商(?!银行|局|证券|信用卡|还是|或|和|、|跟)|工|人|厨师|店员|服务员|学徒|保安|司机|客服)|招(?:收|募)|招租|招聘|招收|招生|拼团|接单|提供[^，。,.！!？?；;]{0,6}(?:服务|咨询)|收车|收徒|收购|新到|新品|新款|新品上市|新店|新开(?:的|了一家)?[^，。,.！!？?；;]{0,6}(?:店|馆|房|所)|新鲜(?:出炉|到货|上市|直达)|日结|日赚|月入|月卡|熟了|特卖|现摘|现发|皮肤出售|直播间|直销|自提|装备出售|订购|诚心卖|诚招|诚聘|账号出售|货源|转租|转让|金币出售|闲置|陪玩|陪诊|零售|预订|预定|高价收")]
    internal static partial Regex Sell();

    // A service or course offered: 上门维修, 开锁, 保洁, 代办, 辅导班, 训练营, 办理, 无抵押.
    [GeneratedRegex(@"课程|教学|授课|训练营|打卡营|私教|一对一|(?:辅导|培训|兴趣|衔接|速成|提高|托管)班|代(?:驾|练|缴|开|运营|买代送|还)|跑腿|寄养|贴膜|翻新|局部改造|包工包料|推广|快速拿证|拿证|资质|办理|专业(?:办理|维修|开锁|搬家|疏通|保洁|清洗|安装|代|承接|团队|老师)|(?:办理|代办)(?:贷款|信用卡|营业执照|执照|签证|证件|户口|社保|手续)|上门(?:服务|维修|安装|回收|取件|检测)|维修|开锁|疏通|保洁|清洗|搬家|陪练|辅导|家教|培训|月嫂|保姆|钟点工|育儿嫂|持证上岗|经验丰富|随叫随到|保证(?:正品|质量|原创|效果)|质量保证|售后无忧|无抵押|放款|额度|秒批|下款|保录取|包过|疗程|见效")]
    private static partial Regex Service();

    // Pulling people into an app, a group or a scheme: an invitation code, a red packet, a cut to
    // bargain, easy money. It offers and asks at once.
    [GeneratedRegex(@"邀请码|注册(?:就|即)?(?:送|领)|新人(?:礼包|专享|红包|注册)|砍一刀|帮(?:我)?砍|助力一下|扫码(?:领|进群|关注)|领(?:红包|现金|大额)|薅羊毛|提现|复制(?:口令|这段)|口令|返(?:现|佣|利)|佣金|日入|躺赚|副业|带单|稳赚|月收益|零成本|零门槛")]
    private static partial Regex Referral();

    // A call to act: get in touch, book, sign up, come to the shop, order, hurry.
    [GeneratedRegex(@"DD我|V我|dd我|v我|上门|下单|了解一下|仅限|从速|位置在|体验课|先到先得|光临|到店|加(?:我|微信|vx|V|薇)|卖完为止|合作|名额有限|咨询|售完即止|回电|回T|回复[A-Z\dY]|地址[:：在]|尽在|快来|想要的|截止|戳我|戳链接|扣1|扫码|找我|抓紧|抢券|抢购|报名|接龙|数量有限|更多优惠|有需要|有意(?:者|向|请|的)|有兴趣|来摘|来家里看|来电|来店|欢迎|欲购从速|滴滴我|点击(?:下载|查看|领取|链接)?|点击|热线|留言|看我朋友圈|看房|看车|私聊|私信|私我|立即(?:查看|兑换|使用|申请|打开|领取|抢购|下载|参与|体验|预约|办理|购买)|联系(?:我|电话|方式|人)?|致电|要的(?:说|赶紧)|要的(?:留言|扣1|接龙|私|联系|来)|订购|试驾|试听|详见|详聊|详询|详情|踢我|进群|进店|退订|速抢|速报|速来|长按复制|需要的说|需要的|面交|面谈|面试|预约|领取")]
    internal static partial Regex Action();

    // A mobile number standing alone (also 3-4-4 with spaces or dashes, or masked xxxxxxxxxxx), or a
    // WeChat id after its label: how a person selling is reached.
    [GeneratedRegex(@"(?:QQ|Q|扣扣)\s*[:：]?\s*\d{5,11}(?!\d)|(?<![A-Za-z])[xX]{11}(?![A-Za-z])|(?<!\d)1[3-9]\d[ -]\d{4}[ -]\d{4}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)|(?:微信|[vV][xX]|薇信|[vV]信|加V|威信)[号:：]?\s*[A-Za-z][\w-]{5,}")]
    private static partial Regex Contact();

    // A landline or 400 number: shops have them, and so do schools, clinics and offices, so it weighs less.
    [GeneratedRegex(@"(?<![A-Za-z])[xX]{3,4}-[xX]{7,8}(?![A-Za-z])|(?<!\d)0\d{2,3}-\d{3,4}[ -]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)|(?<!\d)400-?\d{3}-?\d{4}(?!\d)")]
    private static partial Regex Landline();

    // A link: weak, since posts share links all day.
    [GeneratedRegex(@"https?://|www\.")]
    private static partial Regex Link();

    // The formulae of marketing texts: opt-out lines (回T退订, 拒收回R) and salutations to customers.
    [GeneratedRegex(@"回复?[A-Z]{1,2}退订|退订(?:请)?回复?[A-Z]{1,2}|拒收(?:请)?回复?[A-Z]{0,2}|尊敬的(?:会员|客户|用户|业主|家长)|亲爱的(?:会员|顾客|用户)|您好[！!，,].{0,30}(?:我是|这边是|本店|我们)")]
    private static partial Regex Marketing();

    // Words of shops, goods, property and jobs; weak alone, up to three count.
    [GeneratedRegex(@"店|商场|超市|门店|公司|会所|工作室|中心|机构|学校|馆|厂|楼盘|房源|车位|商铺|门面|课程|课|班|顾客|客户|会员|学员|家长|宝妈|产品|服务|项目|商品|价格|质量|品质|礼盒|礼品|斤装|平米|㎡|室[一两二三]厅|押一付|首付|月租|租金|月薪|底薪|工资|提成|售后|保障|专业|一对一|小班|名额|货|单|正品")]
    private static partial Regex Shop();

    // Several discounts count as an offer on their own only on a shop floor.
    [GeneratedRegex(@"店|会员|全场|商品|新品|顾客|商场|超市")]
    private static partial Regex ShopFloor();

    // Someone telling what they bought, got or thought of it (a complaint above all: sellers do not
    // complain), or pointing friends to a shop.
    [GeneratedRegex(@"到手|拿货|提货|收到货|用券|后悔|不推荐|不划算|不值|太贵|偏高|郁闷|不满意|投诉|差劲|糟糕|太坑|坑人|购物车|送餐(?:员|的|人员|小哥|时间)|外卖(?:小哥|员)|忽悠|山寨|购买了|买过|买来|买回|用过|抢到|宾馆反馈|住过|来过|(?:\d|点|时|半)下(?:的)?单|下单(?:后|以后|付款|就)|下完单|订单|送到|送来|用了|第一次|我(?:买|订|定|点|选|花|下单|拍)了|他们家|挺(?:划算|便宜|实惠|好)|一起去|下的?订单|到货|收货|送到了|(?:昨天|今天|早上|晚上|下午|上午|刚)下单|订的|定的|预定了|买贵|点评|携程|神速|超值|住宿|买的|收到|物流|快递(?:很|太|真|也|员)|好评|差评|卖家|入住|住了|前台|性价比|不错|很好|太差|一般般?|失望|推荐购买|值得购买|还会再|下次还|再也不|退货|换货|京东|淘宝上|评价|给个|掌柜|老板(?:人|态度|很)|服务员|房间|缺点|不理想|不方便|不便|太久|不明显|没有?送|退房")]
    private static partial Regex Buyer();

    // Weaker hints of a buyer: an opinion (很实惠, 太慢), 客服, 环境, 满意.
    [GeneratedRegex(@"(?:很|非常|超级?|特别|真|太|挺|蛮|比较)(?:好吃|新鲜|实惠|满意|划算|甜|快|方便|及时|便宜|贵|慢|差|咸|难吃|值了)|看上去|买了|商家|客服|味道|穿着|满意|吃了|喝了|宝贝|装修(?:一般|陈旧)|早餐|设施|环境|的时候")]
    private static partial Regex BuyerHint();

    // What a bank, carrier, courier or office tells one customer about their own account or errand:
    // a code, a balance, a bill, a parcel, a request handled. Adverts do not say these.
    [GeneratedRegex(@"验证码|余额|欠费|停机|已受理|工单|单号|取件|包裹|如非本人|本人操作|已于|已成功|成功(?:办理|还款|缴费|充值|支付|预约)|已办理|办理完毕|尚未缴纳|请及时(?:缴费|充值|还款|处理)|账单|应还|还款日|自动缴费|已发货|已签收|派送")]
    private static partial Regex Notification();

    // Public notices, reports and warnings about scams quote the words of adverts; so does advice not to buy.
    [GeneratedRegex(@"志愿者|公益|义务教育|政府|政务|人次|群众|市民|全市|全区|全县|公立|援助|挂号|同比|覆盖率|疾控|卫健委|派出所|警方|民警|骗子|诈骗|警惕|谨防|提醒大家|小心上当|防骗|别买|不要买|千万别|被骗|上当|(?i:copyright|all\s*rights\s*reserved)|版权所有")]
    private static partial Regex Notice();

    // A question: what someone asks about a price or a shop is not an advert.
    [GeneratedRegex(@"吗[？?]?$|呢[？?]?$|[？?]$|多少钱|哪里|有没有人|谁知道|谁有|怎么样|怎样|求推荐|啥|怎么|为什么|[吗呢呀啊][？?！!～~]*$")]
    private static partial Regex Question();
}

/// <summary>A kind of evidence the <c>promo</c> detector weighs.</summary>
internal enum PromoSignal
{
    Price,
    UnitPrice,
    Discount,
    Sell,
    Service,
    Referral,
    Action,
    Contact,
    Landline,
    Link,
    Marketing,
    Shop,
}

/// <summary>The signals found in a window, and those that counted against it.</summary>
[Flags]
internal enum PromoSignals
{
    None = 0,
    Price = 1 << PromoSignal.Price,
    UnitPrice = 1 << PromoSignal.UnitPrice,
    Discount = 1 << PromoSignal.Discount,
    Sell = 1 << PromoSignal.Sell,
    Service = 1 << PromoSignal.Service,
    Referral = 1 << PromoSignal.Referral,
    Action = 1 << PromoSignal.Action,
    Contact = 1 << PromoSignal.Contact,
    Landline = 1 << PromoSignal.Landline,
    Link = 1 << PromoSignal.Link,
    Marketing = 1 << PromoSignal.Marketing,
    Shop = 1 << PromoSignal.Shop,
    Buyer = 1 << 16,
    Notice = 1 << 17,
    Question = 1 << 18,
}

/// <summary>
/// The best window of a message: its score after penalties, its span [Start, End) in UTF-16 code
/// units, the signals in it and those against it.
/// </summary>
internal readonly record struct PromoScore(int Score, int Start, int End, PromoSignals Signals, PromoSignals Against)
{
    public static PromoScore None { get; } = new(0, 0, 0, PromoSignals.None, PromoSignals.None);

    public bool Fires => Score >= PromoDetector.Threshold;
}
