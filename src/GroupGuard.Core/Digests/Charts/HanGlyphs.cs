namespace GroupGuard.Core.Digests.Charts;

/// <summary>
/// The Chinese characters the chart's legend names categories with (the digest's names,
/// <see cref="DigestBuilder.CategoryName"/>, and 其他 for the folded ones) and an empty plot's
/// 无违规 (<see cref="IncidentChart.Quiet"/>): 12 pixels square with
/// 16 levels of coverage, drawn once from WenQuanYi Micro Hei by <c>tools/chart-glyphs.py</c> and
/// kept in the source (<c>HanGlyphs.Drawn.cs</c>), so the chart still needs no font library and
/// gives the same bytes on every machine. Any other character is <see cref="PixelFont"/>'s.
/// </summary>
internal static partial class HanGlyphs
{
    /// <summary>A glyph's width and height in pixels.</summary>
    public const int Size = 12;

    /// <summary>Rows of a glyph above the baseline; the rest are below it.</summary>
    public const int Above = 10;

    /// <summary>A glyph and the column of space after it.</summary>
    public const int Advance = Size + 1;

    /// <summary>The most a pixel is covered.</summary>
    public const int Full = 15;

    private static readonly Dictionary<char, byte[]> Coverage = Drawn().ToDictionary(g => g.Key, g => Parse(g.Value));

    public static bool Has(char c) => Coverage.ContainsKey(c);

    /// <summary>The glyph's coverage, <see cref="Size"/> rows of <see cref="Size"/> pixels from the top left, each 0 (none) to <see cref="Full"/>.</summary>
    public static ReadOnlySpan<byte> Glyph(char c) => Coverage[c];

    private static byte[] Parse(string rows)
    {
        const string Digits = "0123456789abcdef";
        var parts = rows.Split(' ');
        if (parts.Length != Size || parts.Any(p => p.Length != Size || p.Any(c => !Digits.Contains(c, StringComparison.Ordinal))))
        {
            throw new InvalidOperationException($"A glyph must be {Size} rows of {Size} hex digits: '{rows}'.");
        }

        return [.. parts.SelectMany(p => p.Select(c => (byte)Digits.IndexOf(c, StringComparison.Ordinal)))];
    }
}
