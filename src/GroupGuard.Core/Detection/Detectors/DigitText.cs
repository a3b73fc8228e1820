using System.Buffers;

namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// Digit scanning shared by the number detectors. A digit is ASCII 0-9 or full-width ０-９
/// (U+FF10-U+FF19); nothing else counts, so a run never spans other scripts' digits.
/// Group separators are one ASCII space, ASCII hyphen, ideographic space (U+3000) or
/// full-width hyphen (U+FF0D); a grouped number uses the same separator throughout.
/// </summary>
internal static class DigitText
{
    public static readonly SearchValues<char> Digits = SearchValues.Create("0123456789０１２３４５６７８９");

    /// <summary>0-9 for a digit, -1 for anything else.</summary>
    public static int Value(char c)
    {
        if (c is >= '0' and <= '9')
        {
            return c - '0';
        }

        if (c is >= '０' and <= '９')
        {
            return c - '０';
        }

        return -1;
    }

    public static bool IsDigit(char c) => Value(c) >= 0;

    public static bool IsDigitAt(ReadOnlySpan<char> text, int index) =>
        (uint)index < (uint)text.Length && IsDigit(text[index]);

    /// <summary>End (exclusive) of the digit run starting at <paramref name="start"/>.</summary>
    public static int RunEnd(ReadOnlySpan<char> text, int start)
    {
        var end = start;
        while (end < text.Length && IsDigit(text[end]))
        {
            end++;
        }

        return end;
    }

    public static bool IsSeparator(char c) => c is ' ' or '-' or '\u3000' or '－';

    /// <summary>The check character X of an ID number, in either width and case.</summary>
    public static bool IsCheckX(char c) => c is 'X' or 'x' or 'Ｘ' or 'ｘ';

    /// <summary>
    /// Whether a grouped number starting at <paramref name="start"/> is the tail of a longer
    /// grouping: a digit and the same separator just before it.
    /// </summary>
    public static bool ContinuesBefore(ReadOnlySpan<char> text, int start, char separator) =>
        start >= 2 && text[start - 1] == separator && IsDigit(text[start - 2]);

    /// <summary>
    /// Whether a grouped number ending at <paramref name="end"/> goes on: the same separator and a
    /// digit just after it.
    /// </summary>
    public static bool ContinuesAfter(ReadOnlySpan<char> text, int end, char separator) =>
        end + 1 < text.Length && text[end] == separator && IsDigit(text[end + 1]);

    /// <summary>
    /// If a separator follows <paramref name="end"/> and a digit run follows it, that run's bounds.
    /// </summary>
    public static bool TryNextGroup(ReadOnlySpan<char> text, int end, char separator, out int groupStart, out int groupEnd)
    {
        groupStart = end + 1;
        groupEnd = groupStart;
        if (end + 1 >= text.Length || text[end] != separator || !IsDigit(text[end + 1]))
        {
            return false;
        }

        groupEnd = RunEnd(text, groupStart);
        return true;
    }

    /// <summary>
    /// Copies the digits of <paramref name="text"/> (skipping separators) into
    /// <paramref name="digits"/>; an X check character becomes 10. Returns how many were written.
    /// </summary>
    public static int Collect(ReadOnlySpan<char> text, Span<byte> digits)
    {
        var count = 0;
        foreach (var c in text)
        {
            var value = IsCheckX(c) ? 10 : Value(c);
            if (value < 0)
            {
                continue;
            }

            if (count == digits.Length)
            {
                return -1;
            }

            digits[count++] = (byte)value;
        }

        return count;
    }
}
