using GroupGuard.Core.Text;

namespace GroupGuard.Core.Rules;

/// <summary>
/// What <see cref="AllowSuggestions.For"/> found around a hit a human marked a false positive.
/// </summary>
/// <param name="Phrase">
/// The allow phrase to suggest, as the message wrote it: the hit and the ordinary words around it,
/// whole words only, so it covers the hit and cancels it when added (as an <c>unless</c> phrase of a
/// term rule or a line of an allow list); null when nothing around the hit is safe to allow.
/// </param>
/// <param name="Hit">The hit as written, completed to whole words (what a phrase would at least have to cover).</param>
/// <param name="Context">The hit's clause as written, to show why nothing is safe.</param>
public sealed record AllowSuggestion(string? Phrase, string Hit, string Context);

/// <summary>
/// The allow phrase that would have kept a wrong hit from firing, for <c>incidents mark
/// --false-positive</c>. A phrase that allows the hit's own words, or them and a character that is
/// no word of its own (个傻逼 for 傻逼 in 你个傻逼), would let the same hit through wherever it is
/// said; a phrase cut through a word or a number (职刷单日结30) is no phrase anyone would write and
/// matches less than it seems. So a suggestion is whole words (Jieba's, and never part of a run of
/// digits and Latin letters: zhang6688 whole or not at all), and beyond the hit it holds either the
/// rest of a word the hit was cut out of (漂白粉 for 白粉) or the nearest ordinary word in the hit's
/// clause (快递真垃圾 for 真垃圾): one of two characters or more that names no person or group (你,
/// 孩子, 黑人: those are what an insult is aimed at) and is no pronoun, measure word or particle
/// (这个, 一个, 真是: they go with any insult). When there is none, the hit is its words said plainly and nothing is safe to allow.
/// </summary>
public static class AllowSuggestions
{
    /// <summary>How far from the hit, in characters, the nearest ordinary word is looked for.</summary>
    public const int ContextReach = 12;

    /// <summary>The longest phrase suggested: the most a line of terms or phrases may hold.</summary>
    public const int MaxPhraseLength = 100;

    // Words that go with any noun or insult and so tell nothing of what a message is about:
    // pronouns and determiners, measure words, copulas, degree words, particles, and the questions
    // any offer is asked (白粉多少钱 is the drug's price as much as 漂白粉多少钱 is the bleach's).
    private static readonly HashSet<string> FunctionWords = new(StringComparer.Ordinal)
    {
        "个", "只", "条", "位", "种", "群", "帮", "伙", "坨", "这", "那", "哪", "此", "其", "每", "某", "该",
        "是", "的", "地", "得", "了", "着", "过", "吧", "啊", "呀", "呢", "吗", "嘛", "哦", "哈", "啦", "么",
        "就", "都", "也", "还", "又", "才", "再", "真", "太", "很", "好", "挺", "超", "最", "更", "贼", "巨", "蛮",
        "和", "跟", "与", "及", "或", "对", "把", "被", "给", "让", "叫", "像", "比", "在", "为", "有", "没", "不", "别",
        "一", "我", "我们", "咱", "咱们", "自己", "大家",
        "这个", "那个", "哪个", "一个", "一只", "一条", "一位", "一种", "一群", "一帮", "一伙", "一坨", "这些", "那些",
        "这种", "那种", "这样", "那样", "这么", "那么", "这群", "那群", "这帮", "那帮", "这位", "那位", "个个",
        "什么", "怎么", "真是", "就是", "还是", "也是", "都是", "不是", "简直", "真的", "好像", "一样", "一直",
        "非常", "特别", "十足", "完全", "彻底", "纯纯", "属于", "确实", "实在", "有点", "有些", "一点", "太过",
        "多少", "多少钱", "哪里", "哪儿", "怎样", "怎么样", "如何", "为什么", "可以", "能不能", "有没有", "一下",
    };

    private static readonly Lazy<HashSet<string>> TargetWords = new(() =>
        new HashSet<string>(TextData.Lines("person-words.txt").Concat(TextData.Lines("group-words.txt")), StringComparer.Ordinal));

    /// <summary>
    /// The suggestion for the hit at [<paramref name="start"/>, <paramref name="start"/> +
    /// <paramref name="length"/>) of <paramref name="text"/> (UTF-16, as an incident's span), with
    /// words from <paramref name="segmenter"/> (without one, each run of hanzi, of Latin letters
    /// and of digits is one word); null when the span is not in the text.
    /// </summary>
    public static AllowSuggestion? For(string text, int start, int length, IWordSegmenter? segmenter)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (length <= 0 || start < 0 || start + length > text.Length)
        {
            return null;
        }

        var end = start + length;
        var boundaries = Boundaries(text, segmenter);

        // The hit completed to whole words: a regex's match may stop inside a word or a number.
        var coreStart = start;
        while (!boundaries[coreStart])
        {
            coreStart--;
        }

        var coreEnd = end;
        while (!boundaries[coreEnd])
        {
            coreEnd++;
        }

        var (clauseStart, clauseEnd) = Clause(text, coreStart, coreEnd);
        var hit = text[coreStart..coreEnd];
        var context = text[clauseStart..clauseEnd].Trim();

        // The rest of a word the hit was cut out of is what tells this message apart (漂白粉),
        // unless what completes it is a measure word or particle that goes with anything (个).
        var phrase = Completes(text, coreStart, start) || Completes(text, end, coreEnd)
            ? hit
            : WithNearestWord(text, boundaries, coreStart, coreEnd, clauseStart, clauseEnd);
        // A # would start a comment in an allow list, and a control character would end its line.
        var fits = phrase is { Length: <= MaxPhraseLength } && !phrase.Contains('#', StringComparison.Ordinal) && !phrase.Any(char.IsControl);
        return new AllowSuggestion(fits ? phrase!.Trim() : null, hit, context);
    }

    /// <summary>Whether [<paramref name="from"/>, <paramref name="to"/>), the part of a word outside the hit, holds a letter that is not a word that goes with anything.</summary>
    private static bool Completes(string text, int from, int to)
    {
        var part = text[from..to];
        return part.Any(char.IsLetter) && !FunctionWords.Contains(part);
    }

    /// <summary>The hit with the nearest ordinary word of its clause on either side and what stands between; null when there is none within reach.</summary>
    private static string? WithNearestWord(string text, bool[] boundaries, int coreStart, int coreEnd, int clauseStart, int clauseEnd)
    {
        // Leftwards: the words ending at or before the hit's start.
        int? left = null;
        for (int wordEnd = coreStart, wordStart = coreStart - 1; wordStart >= clauseStart && coreStart - wordStart <= ContextReach; wordStart--)
        {
            if (!boundaries[wordStart])
            {
                continue;
            }

            var word = text[wordStart..wordEnd];
            if (IsTarget(word))
            {
                break;
            }

            if (IsOrdinary(word))
            {
                left = wordStart;
                break;
            }

            wordEnd = wordStart;
        }

        int? right = null;
        for (int wordStart = coreEnd, wordEnd = coreEnd + 1; wordEnd <= clauseEnd && wordEnd - coreEnd <= ContextReach; wordEnd++)
        {
            if (!boundaries[wordEnd])
            {
                continue;
            }

            var word = text[wordStart..wordEnd];
            if (IsTarget(word))
            {
                break;
            }

            if (IsOrdinary(word))
            {
                right = wordEnd;
                break;
            }

            wordStart = wordEnd;
        }

        return (left, right) switch
        {
            ({ } l, { } r) => coreStart - l <= r - coreEnd ? text[l..coreEnd] : text[coreStart..r],
            ({ } l, null) => text[l..coreEnd],
            (null, { } r) => text[coreStart..r],
            _ => null,
        };
    }

    /// <summary>
    /// A word of two letters or more (digits may stand among them, and _ or - inside a Latin one: an
    /// id such as kefu_2024) that goes with few things: 快递, 帘儿, 时期, 订单号.
    /// </summary>
    private static bool IsOrdinary(string word) =>
        word.Length >= 2
        && word.Select((c, i) => char.IsLetterOrDigit(c) || (i > 0 && InsideLatinWord(word, i))).All(ok => ok)
        && word.Count(char.IsLetter) >= 2
        && !FunctionWords.Contains(word);

    /// <summary>A word that names a person or a group, or holds such a word of two characters or more (孩子们).</summary>
    private static bool IsTarget(string word)
    {
        var words = TargetWords.Value;
        if (words.Contains(word))
        {
            return true;
        }

        foreach (var listed in words)
        {
            if (listed.Length >= 2 && word.Contains(listed, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The clause around [<paramref name="start"/>, <paramref name="end"/>): to the clause breaks
    /// either side (，、。！？； and line breaks), though not to a colon, which mostly ends the label
    /// of what follows it (订单号：…), and at most <see cref="ContextReach"/> characters either side.
    /// </summary>
    private static (int Start, int End) Clause(string text, int start, int end)
    {
        static bool Breaks(char c) => CharTables.EndsClause(c) && CharTables.FoldedChar(CharTables.Base[c]) != ':';

        var from = start;
        while (from > 0 && start - from < ContextReach && !Breaks(text[from - 1]))
        {
            from--;
        }

        var to = end;
        while (to < text.Length && to - end < ContextReach && !Breaks(text[to]))
        {
            to++;
        }

        return (from, to);
    }

    /// <summary>
    /// Per offset 0 to the text's length: whether a word starts (or the text ends) there. Never
    /// inside a run of digits and Latin letters (the segmenter may cut 300 or abc123, and where the
    /// letters of zhang6688 meet its digits the kind of character changes), nor inside a surrogate pair.
    /// </summary>
    private static bool[] Boundaries(string text, IWordSegmenter? segmenter)
    {
        var at = new bool[text.Length + 1];
        at[0] = at[text.Length] = true;
        if (segmenter is not null)
        {
            foreach (var offset in segmenter.Boundaries(text))
            {
                if (offset >= 0 && offset <= text.Length)
                {
                    at[offset] = true;
                }
            }
        }

        for (var i = 1; i < text.Length; i++)
        {
            var kind = Kind(text[i - 1]);
            if (InsideLatinWord(text, i))
            {
                // zhang6688, abc123, kefu_2024: an id or a word of letters and digits is one word.
                at[i] = false;
            }
            else if (kind != Kind(text[i]))
            {
                // Where the kind of character changes there is a boundary, with or without a segmenter.
                at[i] = true;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                at[i] = false;
            }
        }

        return at;
    }

    /// <summary>
    /// Whether offset <paramref name="i"/> lies inside a run of Latin letters and digits, joined
    /// perhaps by _ or - (zhang6688, kefu_2024, abc-123): an account id or a word as written.
    /// </summary>
    private static bool InsideLatinWord(string text, int i)
    {
        static bool Alnum(char c) => Kind(c) is CharKind.Latin or CharKind.Digit;
        static bool Joins(char c) => c is '_' or '-';

        var before = text[i - 1];
        var after = text[i];
        return (Alnum(before) && Alnum(after))
            || (Alnum(before) && Joins(after) && i + 1 < text.Length && Alnum(text[i + 1]))
            || (Joins(before) && i >= 2 && Alnum(text[i - 2]) && Alnum(after));
    }

    private enum CharKind
    {
        Hanzi,
        Latin,
        Digit,
        Other,
    }

    private static CharKind Kind(char c) =>
        char.IsAsciiLetter(c) || c is >= 'Ａ' and <= 'Ｚ' or >= 'ａ' and <= 'ｚ' ? CharKind.Latin
        : char.IsDigit(c) ? CharKind.Digit
        : char.IsLetter(c) ? CharKind.Hanzi
        : CharKind.Other;
}
