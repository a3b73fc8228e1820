using System.Text;

namespace GroupGuard.Images;

/// <summary>
/// What tesseract printed, made into one line of text for the rules and the incident: words with no
/// letter or digit (the specks, bars and rules it reads off a busy background) are dropped, the rest
/// joined by one space, except between two Chinese characters (tesseract spaces them apart, and
/// Chinese wraps from line to line without one), and the whole cut to the characters kept.
/// </summary>
internal static class OcrText
{
    public static string Tidy(string raw, int maxChars)
    {
        var text = new StringBuilder();
        var words = raw.Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        foreach (var word in new string(words).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!word.Any(char.IsLetterOrDigit))
            {
                continue;
            }

            if (text.Length > 0 && !(IsHan(text[^1]) && IsHan(word[0])))
            {
                text.Append(' ');
            }

            text.Append(word);
        }

        if (text.Length <= maxChars)
        {
            return text.ToString();
        }

        // Not between the halves of a surrogate pair.
        var cut = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return text.ToString(0, cut);
    }

    /// <summary>A Chinese character, CJK punctuation or a full-width sign.</summary>
    private static bool IsHan(char c) =>
        c is (>= '\u2E80' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF') or (>= '\uFF01' and <= '\uFF0F') or (>= '\uFF1A' and <= '\uFF20');
}
