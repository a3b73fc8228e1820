using System.Text;
using GroupGuard.Core.Detection.Detectors;

namespace GroupGuard.Core.Tests.Detection.Detectors;

/// <summary>Independent check-digit arithmetic and helpers for the detector tests.</summary>
internal static class TestNumbers
{
    /// <summary>An ID number: the 17 digits given and their MOD 11-2 check character.</summary>
    public static string Id(string first17)
    {
        Assert.Equal(17, first17.Length);
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var weight = (int)(Math.Pow(2, 17 - i) % 11);
            sum += (first17[i] - '0') * weight;
        }

        var check = (12 - (sum % 11)) % 11;
        return first17 + (check == 10 ? "X" : check.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A card number: the digits given and the Luhn digit that completes them.</summary>
    public static string Card(string prefix)
    {
        for (var last = 0; last < 10; last++)
        {
            var candidate = prefix + (char)('0' + last);
            if (LuhnValid(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    /// <summary>The same number with its last digit changed, so the check fails.</summary>
    public static string BreakLastDigit(string number)
    {
        var last = number[^1] == 'X' ? '0' : (char)('0' + ((number[^1] - '0' + 1) % 10));
        return number[..^1] + last;
    }

    public static bool LuhnValid(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var value = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                value = value * 2 % 10 + value * 2 / 10;
            }

            sum += value;
        }

        return sum % 10 == 0;
    }

    /// <summary>ASCII digits, X and + as their full-width forms.</summary>
    public static string FullWidth(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c is (>= '0' and <= '9') or 'X' or 'x' or '+' ? (char)(c + 0xFEE0) : c);
        }

        return builder.ToString();
    }

    public static List<DetectorMatch> Find(IDetector detector, string text)
    {
        var matches = new List<DetectorMatch>();
        detector.Find(text, matches);
        foreach (var match in matches)
        {
            // Every span points at what the user wrote.
            Assert.Equal(text.Substring(match.Start, match.Length), match.Value);
        }

        return matches;
    }

    public static DetectorMatch Single(IDetector detector, string text) => Assert.Single(Find(detector, text));
}
