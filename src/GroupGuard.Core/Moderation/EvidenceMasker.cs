namespace GroupGuard.Core.Moderation;

/// <summary>Masks evidence for <c>StoreText: masked</c>: the matched spans, and runs of six or more digits.</summary>
public static class EvidenceMasker
{
    private const int LongDigitRun = 6;

    /// <summary>Every span masked whole, and long digit runs: <see cref="MaskForReaders"/> with no hit of an offer's category.</summary>
    public static string Mask(string text, IEnumerable<EvidenceSpan> spans) =>
        MaskForReaders(text, spans.Select(span => (span, (string?)null)));

    /// <summary>Masks every run of <see cref="LongDigitRun"/> digits or more (a phone, card or id number).</summary>
    private static void MaskDigitRuns(char[] chars)
    {
        for (var i = 0; i < chars.Length;)
        {
            var end = i;
            while (end < chars.Length && IsDigit(chars[end]))
            {
                end++;
            }

            if (end - i >= LongDigitRun)
            {
                Array.Fill(chars, '*', i, end - i);
            }

            i = end == i ? i + 1 : end;
        }
    }

    /// <summary>
    /// The categories of the shipped packs whose hits are offers and adverts (广告引流, 诈骗, 赌博, 违禁品,
    /// 刷屏): their words say what was offered and are no offence to read, what spreads the offer is
    /// its contact, link or account (<see cref="MaskForReaders"/>).
    /// </summary>
    private static readonly HashSet<string> OfferCategories = new(StringComparer.Ordinal) { "ads", "fraud", "gambling", "contraband", "flood" };

    /// <summary>Letters and digits an account id, a link or a code must hold at least, for <see cref="MaskForReaders"/> to mask it.</summary>
    private const int ContactLetters = 3;

    /// <summary>
    /// A message as people outside the console read it (a digest or an alert, which third-party
    /// robots carry): each hit of an offer's category (<see cref="OfferCategories"/>: an advert, a
    /// scam, gambling) with only its contacts masked: each run of letters, digits and the signs
    /// links and ids are written with, holding three letters or digits, in the hit or right after
    /// it past a space or a colon, taken whole where it runs on past the hit (<c>加微信：＊＊＊＊＊＊</c>,
    /// a link whole, a number of five digits or more; not a sum such as 日赚300). Every other hit (an
    /// insult, solicitation, someone's number, a category of a pack of one's own) is masked whole,
    /// and long digit runs everywhere, as <see cref="Mask"/> masks them. A regex over a whole advert
    /// masked whole left the leader 37 ＊ to read.
    /// </summary>
    public static string MaskForReaders(string text, IEnumerable<(EvidenceSpan Span, string? Category)> hits)
    {
        var chars = text.ToCharArray();
        foreach (var (span, category) in hits)
        {
            var (from, to) = (Math.Max(0, span.Start), Math.Min(chars.Length, span.Start + span.Length));
            if (category is not null && OfferCategories.Contains(category))
            {
                // An invitation's id follows it (加微信 abc123, 加微信：abc123): the hit of a term ends before it.
                var after = to;
                while (after < text.Length && after - to < 3 && text[after] is ' ' or '\u3000' or ':' or '：' or ',' or '，')
                {
                    after++;
                }

                MaskContacts(text, chars, from, Math.Min(text.Length, Math.Max(to, after + 1)));
            }
            else
            {
                for (var i = from; i < to; i++)
                {
                    chars[i] = '*';
                }
            }
        }

        MaskDigitRuns(chars);
        return new string(chars);
    }

    /// <summary>Masks each run of <see cref="IsContactChar"/> that touches [from, to) and holds <see cref="ContactLetters"/> letters or digits, not a short number alone.</summary>
    private static void MaskContacts(string text, char[] chars, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (!IsContactChar(text[i]))
            {
                continue;
            }

            var (start, end) = (i, i);
            while (start > 0 && IsContactChar(text[start - 1]))
            {
                start--;
            }

            while (end < text.Length && IsContactChar(text[end]))
            {
                end++;
            }

            var run = text.AsSpan(start, end - start);
            var alphanumeric = 0;
            var digits = 0;
            foreach (var c in run)
            {
                alphanumeric += IsLetterOrDigit(c) ? 1 : 0;
                digits += IsDigit(c) ? 1 : 0;
            }

            // A sum or a count (300, 88) is no contact; a number of five digits or more may be a QQ number.
            if (alphanumeric >= ContactLetters && (digits < alphanumeric || digits >= 5))
            {
                Array.Fill(chars, '*', start, end - start);
            }

            i = end - 1;
        }
    }

    /// <summary>A letter or digit (ASCII or full width), or a sign links and account ids are written with.</summary>
    private static bool IsContactChar(char c) => IsLetterOrDigit(c) || c is '_' or '-' or '.' or '@' or '/' or ':' or '?' or '=' or '&' or '%' or '#' or '~' or '+';

    private static bool IsLetterOrDigit(char c) => char.IsAsciiLetterOrDigit(c) || c is >= '０' and <= '９' or >= 'Ａ' and <= 'Ｚ' or >= 'ａ' and <= 'ｚ';

    /// <summary>
    /// A rule's matched term as it may be shown to people outside the console (a digest, which
    /// third-party robots carry): with <paramref name="whole"/> (a privacy rule's hit, which is the
    /// number itself) every letter and digit masked, its spaces and signs kept so it still reads as
    /// a number; else every digit masked once the term holds six or more in all (a phone or card
    /// number however it is spaced), as excerpts mask long digit runs.
    /// </summary>
    public static string MaskTerm(string term, bool whole)
    {
        if (!whole && term.Count(IsDigit) < LongDigitRun)
        {
            return term;
        }

        var chars = term.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (IsDigit(chars[i]) || (whole && char.IsLetter(chars[i])))
            {
                chars[i] = '*';
            }
        }

        return new string(chars);
    }

    /// <summary>The category of the rules whose hit is the personal data itself (a phone or id number).</summary>
    public const string PrivacyCategory = "privacy";

    /// <summary>
    /// A matched term as digests and masked incidents show it: a privacy hit's (which is the number
    /// itself) whole, any other's digits once it holds six or more.
    /// </summary>
    public static string MaskTerm(string term, string? category) =>
        MaskTerm(term, string.Equals(category, PrivacyCategory, StringComparison.Ordinal));

    private static bool IsDigit(char c) => char.IsAsciiDigit(c) || c is >= '０' and <= '９';
}
