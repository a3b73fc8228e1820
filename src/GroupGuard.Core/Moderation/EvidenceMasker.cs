namespace GroupGuard.Core.Moderation;

/// <summary>Masks evidence for <c>StoreText: masked</c>: the matched spans, and runs of six or more digits.</summary>
public static class EvidenceMasker
{
    private const int LongDigitRun = 6;

    public static string Mask(string text, IEnumerable<EvidenceSpan> spans)
    {
        var chars = text.ToCharArray();
        foreach (var span in spans)
        {
            for (var i = Math.Max(0, span.Start); i < Math.Min(chars.Length, span.Start + span.Length); i++)
            {
                chars[i] = '*';
            }
        }

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

        return new string(chars);
    }

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
