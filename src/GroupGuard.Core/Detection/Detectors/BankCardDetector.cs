namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// <c>bank_card</c>: a payment card number, 13-19 digits passing the Luhn check, not part of a
/// longer digit run. Also written in groups of four with one space or dash, the last group
/// shorter if needed (<c>6222 0202 0001 2345 678</c>). ASCII or full-width digits.
/// Luhn alone lets one random number in ten through; <paramref name="requireKnownIssuer"/>
/// additionally asks for a major network's prefix (not used by rules yet).
/// </summary>
internal sealed class BankCardDetector(bool requireKnownIssuer = false) : DigitRunDetector
{
    public const string DetectorName = "bank_card";

    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    private readonly bool _requireKnownIssuer = requireKnownIssuer;

    public override string Name => DetectorName;

    protected override bool TryMatch(ReadOnlySpan<char> text, int start, int end, out int matchStart, out int matchEnd)
    {
        matchStart = start;
        matchEnd = CandidateEnd(text, start, end);
        return matchEnd > 0 && IsValid(text[start..matchEnd]);
    }

    /// <summary>End of a card-shaped candidate starting at the digit run [start, end), or -1.</summary>
    private static int CandidateEnd(ReadOnlySpan<char> span, int start, int end)
    {
        var length = end - start;
        if (length is >= MinDigits and <= MaxDigits)
        {
            return end;
        }

        if (length != 4 || end >= span.Length || !DigitText.IsSeparator(span[end]))
        {
            return -1;
        }

        var separator = span[end];
        if (DigitText.ContinuesBefore(span, start, separator))
        {
            return -1;
        }

        var total = length;
        var groupEnd = end;
        while (DigitText.TryNextGroup(span, groupEnd, separator, out var groupStart, out var nextEnd))
        {
            var group = nextEnd - groupStart;
            total += group;
            groupEnd = nextEnd;
            if (group > 4 || total > MaxDigits)
            {
                return -1;
            }

            if (group < 4)
            {
                // A short group can only be the last one.
                return DigitText.ContinuesAfter(span, groupEnd, separator) ? -1 : Checked(total, groupEnd);
            }
        }

        return Checked(total, groupEnd);

        static int Checked(int total, int end) => total >= MinDigits ? end : -1;
    }

    private bool IsValid(ReadOnlySpan<char> candidate)
    {
        Span<byte> d = stackalloc byte[MaxDigits];
        var count = DigitText.Collect(candidate, d);
        if (count < MinDigits)
        {
            return false;
        }

        d = d[..count];
        return Luhn(d) && (!_requireKnownIssuer || IsKnownIssuer(d));
    }

    private static bool Luhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var k = digits.Length - 1; k >= 0; k--)
        {
            int value = digits[k];
            if (doubled)
            {
                value *= 2;
                if (value > 9)
                {
                    value -= 9;
                }
            }

            sum += value;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    /// <summary>
    /// UnionPay 62, Visa 4, Mastercard 51-55 and 2221-2720, American Express 34/37, JCB 35.
    /// </summary>
    private static bool IsKnownIssuer(ReadOnlySpan<byte> d)
    {
        var two = (d[0] * 10) + d[1];
        var four = (two * 100) + (d[2] * 10) + d[3];
        return d[0] == 4 || two is 62 or 34 or 35 or 37 or (>= 51 and <= 55) || four is >= 2221 and <= 2720;
    }
}
