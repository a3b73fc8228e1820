using System.Globalization;
using System.Text;

namespace GroupGuard.Core.Text;

/// <summary>What a character is to the matcher, after folding. Packed into the high bits of a fold entry.</summary>
[Flags]
internal enum CharFlags : uint
{
    /// <summary>A character that counts: letters, digits, hanzi.</summary>
    Keep = 0,

    /// <summary>Interference between the letters of a term: spaces, punctuation, symbols, emoji, circled numbers (not circled letters: <see cref="CharTables.EnclosedLetter"/>).</summary>
    Skip = 1,

    /// <summary>Not there at all: zero-width and other format characters, variation selectors, lone combining marks.</summary>
    Drop = 2,

    /// <summary>Needs the slow path: surrogates, characters that fold to several, contextual variants.</summary>
    Special = 3,

    KindMask = 3,

    /// <summary>A skipped character that ends a clause (。，！？；、：, their ASCII forms, line breaks).</summary>
    Clause = 4,

    /// <summary>The folded character is a CJK ideograph.</summary>
    Cjk = 8,

    /// <summary>The folded character is an ASCII letter or digit.</summary>
    AsciiWord = 16,

    /// <summary>An ASCII letter that stands for a hanzi when written next to hanzi (加v信).</summary>
    LatinVariant = 32,

    /// <summary>A skipped character that ends a sentence as well as a clause (。！？；, their ASCII forms, line breaks).</summary>
    Sentence = 64,
}

/// <summary>
/// The fold of every BMP character that does not depend on the rule set: Unicode NFKC (full-width,
/// circled and styled forms), invariant lower case, and OpenCC traditional → simplified. Built once
/// per process.
/// </summary>
internal static class CharTables
{
    private static readonly Lazy<uint[]> BaseTable = new(Build);
    private static readonly Lazy<Dictionary<int, string>> TraditionalToSimplified = new(LoadTraditional);

    /// <summary>Entry per UTF-16 unit: low 16 bits the folded char, high bits <see cref="CharFlags"/>.</summary>
    public static uint[] Base => BaseTable.Value;

    public static uint Entry(char folded, CharFlags flags) => folded | ((uint)flags << 16);

    public static char FoldedChar(uint entry) => (char)(entry & 0xFFFF);

    public static CharFlags Flags(uint entry) => (CharFlags)(entry >> 16);

    /// <summary>
    /// Whether <paramref name="c"/>, as written, ends a clause as the base fold reads it: ，、：。！？；
    /// and a line break, and their other forms (﹐ ﹑ ︰ ﹗, a line or paragraph separator).
    /// </summary>
    public static bool EndsClause(char c) => (Flags(Base[c]) & CharFlags.Clause) != 0;

    public static bool IsCjk(int c) =>
        c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0xF900 and <= 0xFAFF) or 0x3007
        or (>= 0x20000 and <= 0x3134F);

    public static bool IsAsciiWord(char c) => char.IsAsciiLetterOrDigit(c);

    /// <summary>
    /// Folds one code point the slow way, for characters the table cannot hold (surrogate pairs,
    /// several-character folds). Returns the kind and writes the folded text.
    /// </summary>
    public static CharFlags FoldSlow(Rune rune, StringBuilder output)
    {
        if (EnclosedLetter(rune.Value) is var letter and not '\0')
        {
            output.Append(letter);
            return CharFlags.Keep;
        }

        var category = Rune.GetUnicodeCategory(rune);
        var kind = Classify(category, rune.Value);
        if (kind != CharFlags.Keep)
        {
            return kind;
        }

        var folded = Nfkc(rune.ToString()).ToLowerInvariant();
        var any = false;
        foreach (var r in folded.EnumerateRunes())
        {
            if (Classify(Rune.GetUnicodeCategory(r), r.Value) != CharFlags.Keep)
            {
                continue; // ⑴ folds to "(1)": the brackets are still interference
            }

            output.Append(TraditionalToSimplified.Value.TryGetValue(r.Value, out var simple) ? simple : r.ToString());
            any = true;
        }

        return any ? CharFlags.Keep : CharFlags.Skip;
    }

    /// <summary>Whether a code point outside the BMP is interference (emoji, symbols) rather than a letter.</summary>
    public static bool IsInterference(int codePoint) =>
        Rune.IsValid(codePoint) && Classify(Rune.GetUnicodeCategory(new Rune(codePoint)), codePoint) != CharFlags.Keep;

    /// <summary>
    /// The ASCII letter, lower case, that a circled or squared Latin letter encloses (ⓐ, Ⓐ, 🄰, 🅐,
    /// and the circled italic 🄫 and 🄬); '\0' for any other character. Unicode files them as
    /// symbols, which would make them interference, though they are written for the letters: NFKC
    /// makes each (but the negative circled 🅐-🅩, which it leaves alone) that one letter. Circled
    /// digits (①) are no letters and stay interference, as are the parenthesized ⒜ and 🄐, the
    /// negative squared 🅰 (emoji such as 🅰️ 🅱️ 🅾️ 🅿️) and the enclosed words (🄪, 🅊, ™).
    /// </summary>
    internal static char EnclosedLetter(int value) => value switch
    {
        >= 0x24B6 and <= 0x24CF => (char)('a' + (value - 0x24B6)), // Ⓐ-Ⓩ
        >= 0x24D0 and <= 0x24E9 => (char)('a' + (value - 0x24D0)), // ⓐ-ⓩ
        >= 0x1F130 and <= 0x1F149 => (char)('a' + (value - 0x1F130)), // 🄰-🅉 squared
        >= 0x1F150 and <= 0x1F169 => (char)('a' + (value - 0x1F150)), // 🅐-🅩 negative circled
        0x1F12B => 'c', // 🄫 circled italic C
        0x1F12C => 'r', // 🄬 circled italic R
        _ => '\0',
    };

    /// <summary>The kind of a character by its Unicode category, before folding.</summary>
    private static CharFlags Classify(UnicodeCategory category, int value)
    {
        if (EnclosedLetter(value) != '\0')
        {
            return CharFlags.Keep;
        }

        if (value is (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF) or 0x200B or 0x200C or 0x200D or 0x2060 or 0xFEFF or 0x00AD)
        {
            return CharFlags.Drop;
        }

        return category switch
        {
            UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.SpacingCombiningMark => CharFlags.Drop,
            UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => CharFlags.Skip | CharFlags.Clause | CharFlags.Sentence,
            UnicodeCategory.SpaceSeparator or UnicodeCategory.Control or UnicodeCategory.OtherNumber
                or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
                or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
                or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
                or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol
                or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => CharFlags.Skip,
            _ => CharFlags.Keep,
        };
    }

    /// <summary>NFKC, or the text unchanged where .NET refuses it (noncharacters such as U+FFFF).</summary>
    private static string Nfkc(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    // Sentence punctuation, full-width and ASCII alike (phone keyboards mix them), and the colon
    // that ends a name in a repost chain (新闻已死: 妈的). Not the ASCII full stop: it sits inside
    // numbers, domains and 法.轮.功, where it is interference, never the end of a clause.
    private static bool IsClause(char c) =>
        IsSentence(c) || c is '，' or '．' or '、' or '：' or ',' or ':';

    // The end of a sentence: a comma or colon only ends a clause (黑人，真恶心 is still one thought).
    private static bool IsSentence(char c) =>
        c is '\n' or '\r' or '。' or '！' or '？' or '；' or '｡' or '!' or '?' or ';';

    private static uint[] Build()
    {
        var table = new uint[65536];
        var t2s = TraditionalToSimplified.Value;
        for (var i = 0; i < table.Length; i++)
        {
            var c = (char)i;
            if (char.IsSurrogate(c))
            {
                table[i] = Entry(c, CharFlags.Special);
                continue;
            }

            if (EnclosedLetter(c) is var letter and not '\0')
            {
                table[i] = Entry(letter, Describe(letter));
                continue;
            }

            var kind = Classify(CharUnicodeInfo.GetUnicodeCategory(c), c);
            if (kind != CharFlags.Keep)
            {
                // Interference keeps its NFKC form (：→ :) for the regex view of the text.
                var nfkc = Nfkc(c.ToString());
                var shown = nfkc.Length == 1 ? nfkc[0] : c;
                var clause = IsSentence(c) || IsSentence(shown) ? CharFlags.Clause | CharFlags.Sentence
                    : IsClause(c) || IsClause(shown) ? CharFlags.Clause : 0;
                table[i] = Entry(shown, kind | (kind == CharFlags.Skip ? clause : 0));
                continue;
            }

            var folded = Nfkc(c.ToString()).ToLowerInvariant();
            if (folded.Length != 1 || char.IsSurrogate(folded[0]))
            {
                table[i] = Entry(c, CharFlags.Special);
                continue;
            }

            var f = folded[0];
            if (t2s.TryGetValue(f, out var simple) && simple.Length == 1)
            {
                f = simple[0];
            }

            table[i] = Entry(f, Describe(f));
        }

        return table;
    }

    /// <summary>The flags that follow from the folded character itself.</summary>
    public static CharFlags Describe(char folded) =>
        (IsCjk(folded) ? CharFlags.Cjk : 0) | (IsAsciiWord(folded) ? CharFlags.AsciiWord : 0);

    private static Dictionary<int, string> LoadTraditional()
    {
        var map = new Dictionary<int, string>();
        using var stream = typeof(CharTables).Assembly.GetManifestResourceStream("GroupGuard.Core.Text.Data.TSCharacters.txt")
            ?? throw new InvalidOperationException("The OpenCC table TSCharacters.txt is missing from GroupGuard.Core");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
            {
                continue;
            }

            var key = line[..tab];
            var values = line[(tab + 1)..];
            var space = values.IndexOf(' ', StringComparison.Ordinal);
            var first = space < 0 ? values : values[..space];
            if (Rune.DecodeFromUtf16(key, out var rune, out var used) == System.Buffers.OperationStatus.Done && used == key.Length)
            {
                map[rune.Value] = first;
            }
        }

        return map;
    }
}
