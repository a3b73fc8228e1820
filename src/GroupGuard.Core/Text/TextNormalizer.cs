using System.Text;

namespace GroupGuard.Core.Text;

/// <summary>
/// The first normalization: Unicode NFKC (full-width and styled forms to plain ones) and
/// invariant lower case. The detection issue replaces this with one that keeps a map back to the
/// original text; callers only rely on "same input, same output" and on terms and text being
/// normalized alike.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var folded = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        return folded.ToLowerInvariant();
    }
}
