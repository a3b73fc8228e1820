namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// <c>cn_mobile</c>: a mainland mobile number, 11 digits starting 13-19, not part of a longer
/// digit run. Also written 3-4-4 with one space or dash (<c>138 0013 8000</c>), and with a
/// country code <c>+86</c>, <c>86</c> or <c>0086</c> in front (joined, or after one space or
/// dash); the match then covers the code too. ASCII or full-width digits.
/// Landlines (0-prefixed area codes) are never matched, nor a number after an order, tracking or
/// account label (订单号：19513967161; see <see cref="NumberLabels"/>).
/// </summary>
internal sealed class ChineseMobileDetector : DigitRunDetector
{
    public const string DetectorName = "cn_mobile";

    public override string Name => DetectorName;

    // An account or student number is no phone either (账号：13912345678), unlike a card or ID.
    protected override NumberLabel NotMine => NumberLabel.Reference | NumberLabel.Account;

    protected override bool TryMatch(ReadOnlySpan<char> span, int start, int end, out int matchStart, out int matchEnd)
    {
        matchStart = start > 0 && span[start - 1] is '+' or '＋' ? start - 1 : start;
        var codeLength = CountryCodeLength(span, start, end);
        var length = end - start;

        // Country code joined to the number: 8613800138000, 008613800138000.
        if (codeLength > 0 && length == codeLength + 11 && IsMobileStart(span, start + codeLength))
        {
            matchEnd = end;
            return true;
        }

        // Country code on its own, then at most one separator: +86 138 0013 8000, 0086-13800138000.
        if (codeLength == length && end < span.Length)
        {
            var numberStart = DigitText.IsSeparator(span[end]) ? end + 1 : end;
            if (DigitText.IsDigitAt(span, numberStart))
            {
                matchEnd = NumberEnd(span, numberStart, DigitText.RunEnd(span, numberStart), checkBefore: false);
                if (matchEnd > 0)
                {
                    return true;
                }
            }
        }

        matchStart = start;
        matchEnd = NumberEnd(span, start, end, checkBefore: true);
        return matchEnd > 0;
    }

    /// <summary>2 for a run starting 86, 4 for one starting 0086, else 0.</summary>
    private static int CountryCodeLength(ReadOnlySpan<char> span, int start, int end)
    {
        if (end - start >= 2 && DigitText.Value(span[start]) == 8 && DigitText.Value(span[start + 1]) == 6)
        {
            return 2;
        }

        if (end - start >= 4 && DigitText.Value(span[start]) == 0 && DigitText.Value(span[start + 1]) == 0
            && DigitText.Value(span[start + 2]) == 8 && DigitText.Value(span[start + 3]) == 6)
        {
            return 4;
        }

        return 0;
    }

    /// <summary>End of a mobile number starting at the digit run [start, end), or -1.</summary>
    private static int NumberEnd(ReadOnlySpan<char> span, int start, int end, bool checkBefore)
    {
        var length = end - start;
        if (length == 11)
        {
            return IsMobileStart(span, start) ? end : -1;
        }

        if (length != 3 || end >= span.Length || !DigitText.IsSeparator(span[end]) || !IsMobileStart(span, start))
        {
            return -1;
        }

        var separator = span[end];
        if ((checkBefore && DigitText.ContinuesBefore(span, start, separator))
            || !DigitText.TryNextGroup(span, end, separator, out var middleStart, out var middleEnd)
            || middleEnd - middleStart != 4
            || !DigitText.TryNextGroup(span, middleEnd, separator, out var lastStart, out var lastEnd)
            || lastEnd - lastStart != 4
            || DigitText.ContinuesAfter(span, lastEnd, separator))
        {
            return -1;
        }

        return lastEnd;
    }

    /// <summary>1 then 3-9 (mainland mobile prefixes 13x-19x).</summary>
    private static bool IsMobileStart(ReadOnlySpan<char> span, int start) =>
        start + 1 < span.Length && DigitText.Value(span[start]) == 1 && DigitText.Value(span[start + 1]) >= 3;
}
