using GroupGuard.Core.Text;

namespace GroupGuard.Core.Detection.Detectors;

/// <summary>What a label before a number says it is (<c>Text/Data/number-labels.txt</c>).</summary>
[Flags]
internal enum NumberLabel
{
    None = 0,

    /// <summary>An order, tracking, transaction or serial number: never a phone, ID or card (订单号, 运单号, 流水号).</summary>
    Reference = 1,

    /// <summary>An account, member or student number: not a phone, but may be an ID or card number (账号, 学号).</summary>
    Account = 2,
}

/// <summary>
/// The labels that say a number is no phone, ID or card number: 订单号：19513967161 is an order.
/// A number follows its label across at most three separators (space, colon, '#', '=', '.') and
/// 是 or 为, with up to four Latin letters glued to it (运单号：SF1395…); the longest label that ends
/// there decides, so 微信账号 (a contact) is not 账号.
/// </summary>
internal static class NumberLabels
{
    private const int MaxSeparators = 3;
    private const int MaxPrefixLetters = 4;

    private static readonly Lazy<Labels> Known = new(Load);

    /// <summary>What the label right before <paramref name="start"/>, if any, says the number there is.</summary>
    public static NumberLabel Before(ReadOnlySpan<char> text, int start)
    {
        var i = start;
        for (var k = 0; k < MaxPrefixLetters && i > 0 && char.IsAsciiLetter(text[i - 1]); k++)
        {
            i--;
        }

        i = SkipSeparators(text, i);
        if (i > 0 && text[i - 1] is '是' or '为')
        {
            i = SkipSeparators(text, i - 1);
        }

        var labels = Known.Value;
        Span<char> folded = stackalloc char[labels.Longest];
        for (var length = Math.Min(labels.Longest, i); length > 0; length--)
        {
            var from = i - length;
            for (var k = 0; k < length; k++)
            {
                folded[k] = Fold(text[from + k]);
            }

            // A Latin label must start a word: not "border" for order.
            if (labels.Kinds.TryGetValue(folded[..length], out var kind) && !(char.IsAsciiLetter(folded[0]) && from > 0 && char.IsAsciiLetter(text[from - 1])))
            {
                return kind;
            }
        }

        return NumberLabel.None;
    }

    private static int SkipSeparators(ReadOnlySpan<char> text, int i)
    {
        for (var k = 0; k < MaxSeparators && i > 0 && IsSeparator(text[i - 1]); k++)
        {
            i--;
        }

        return i;
    }

    private static bool IsSeparator(char c) => c is ' ' or '\u3000' or '\t' or ':' or '：' or '#' or '＃' or '=' or '＝' or '.';

    /// <summary>One character as labels are compared: NFKC, lower case, traditional → simplified.</summary>
    private static char Fold(char c)
    {
        var entry = CharTables.Base[c];
        return (CharTables.Flags(entry) & CharFlags.KindMask) == CharFlags.Keep ? CharTables.FoldedChar(entry) : c;
    }

    private sealed class Labels(Dictionary<string, NumberLabel> kinds)
    {
        public Dictionary<string, NumberLabel>.AlternateLookup<ReadOnlySpan<char>> Kinds { get; } = kinds.GetAlternateLookup<ReadOnlySpan<char>>();
        public int Longest { get; } = kinds.Keys.Max(k => k.Length);
    }

    private static Labels Load()
    {
        var kinds = new Dictionary<string, NumberLabel>(StringComparer.Ordinal);
        var section = NumberLabel.None;
        foreach (var line in TextData.Lines("number-labels.txt"))
        {
            switch (line)
            {
                case "[reference]":
                    section = NumberLabel.Reference;
                    continue;
                case "[account]":
                    section = NumberLabel.Account;
                    continue;
                case "[none]":
                    section = NumberLabel.None;
                    continue;
            }

            kinds[new string([.. line.Select(Fold)])] = section;
        }

        return new Labels(kinds);
    }
}
