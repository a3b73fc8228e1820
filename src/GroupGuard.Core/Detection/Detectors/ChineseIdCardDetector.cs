namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// <c>cn_id_card</c>: a mainland resident identity number (18 characters: 17 digits and a check
/// character, digit or X). Accepted written solid or grouped 6-8-4 with one space or dash
/// (<c>110101 19900307 123X</c>), in ASCII or full-width digits. A candidate must have a known
/// region prefix, a real birth date from 1900 to today (by the time provider's local date) and
/// a correct ISO 7064 MOD 11-2 check character, and must not be part of a longer digit run.
/// </summary>
internal sealed class ChineseIdCardDetector : DigitRunDetector
{
    public const string DetectorName = "cn_id_card";

    private const int IdLength = 18;

    private readonly TimeProvider _time;

    public ChineseIdCardDetector(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    public override string Name => DetectorName;

    // ISO 7064 MOD 11-2 weights (2^(17-i) mod 11) for the first 17 digits.
    private static ReadOnlySpan<byte> Weights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    // Check character for sum mod 11; 10 stands for X.
    private static ReadOnlySpan<byte> CheckValues => [1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2];

    protected override bool TryMatch(ReadOnlySpan<char> text, int start, int end, out int matchStart, out int matchEnd)
    {
        matchStart = start;
        matchEnd = CandidateEnd(text, start, end);
        return matchEnd > 0 && IsValid(text[start..matchEnd]);
    }

    /// <summary>End of an ID-shaped candidate starting at the digit run [start, end), or -1.</summary>
    private static int CandidateEnd(ReadOnlySpan<char> span, int start, int end)
    {
        switch (end - start)
        {
            case 18:
                return end;
            case 17:
                return EndsWithX(span, end) ? end + 1 : -1;
            case 6 when end < span.Length && DigitText.IsSeparator(span[end]):
                var separator = span[end];
                if (DigitText.ContinuesBefore(span, start, separator)
                    || !DigitText.TryNextGroup(span, end, separator, out var dateStart, out var dateEnd)
                    || dateEnd - dateStart != 8
                    || !DigitText.TryNextGroup(span, dateEnd, separator, out var tailStart, out var tailEnd))
                {
                    return -1;
                }

                var last = (tailEnd - tailStart) switch
                {
                    4 => tailEnd,
                    3 when EndsWithX(span, tailEnd) => tailEnd + 1,
                    _ => -1,
                };
                return last < 0 || DigitText.ContinuesAfter(span, last, separator) ? -1 : last;
            default:
                return -1;
        }
    }

    /// <summary>An X right after the digits, not followed by another digit.</summary>
    private static bool EndsWithX(ReadOnlySpan<char> span, int index) =>
        index < span.Length && DigitText.IsCheckX(span[index]) && !DigitText.IsDigitAt(span, index + 1);

    private bool IsValid(ReadOnlySpan<char> candidate)
    {
        Span<byte> d = stackalloc byte[IdLength];
        if (DigitText.Collect(candidate, d) != IdLength || !IsKnownRegion((d[0] * 10) + d[1]))
        {
            return false;
        }

        var sum = 0;
        for (var k = 0; k < IdLength - 1; k++)
        {
            sum += d[k] * Weights[k];
        }

        if (CheckValues[sum % 11] != d[IdLength - 1])
        {
            return false;
        }

        var year = (d[6] * 1000) + (d[7] * 100) + (d[8] * 10) + d[9];
        var month = (d[10] * 10) + d[11];
        var day = (d[12] * 10) + d[13];
        if (year < 1900 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        // Read only for a candidate that passed everything else: rare, so not worth caching.
        return new DateOnly(year, month, day) <= DateOnly.FromDateTime(_time.GetLocalNow().DateTime);
    }

    /// <summary>
    /// Province-level codes of GB/T 2260, plus 71/81/82/83 used by residence permits for
    /// Taiwan, Hong Kong and Macau residents.
    /// </summary>
    private static bool IsKnownRegion(int code) => code is
        (>= 11 and <= 15) or (>= 21 and <= 23) or (>= 31 and <= 37) or (>= 41 and <= 46)
        or (>= 50 and <= 54) or (>= 61 and <= 65) or 71 or 81 or 82 or 83;
}
