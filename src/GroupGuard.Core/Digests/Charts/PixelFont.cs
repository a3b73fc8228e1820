namespace GroupGuard.Core.Digests.Charts;

/// <summary>
/// A 5×7 bitmap font (rows below the baseline for g, j, p, q, y) for the chart's numbers, day
/// labels and category ids, so the chart needs no font library and draws the same on every
/// machine. Digits, a–z (A–Z drawn as a–z), space and <c>- . : _ /</c>; the Chinese characters of
/// the legend's category names are <see cref="HanGlyphs"/>; any other character is a small box,
/// which says "a letter this font lacks" without pretending to spell it.
/// </summary>
internal static class PixelFont
{
    public const int GlyphWidth = 5;

    /// <summary>Rows above the baseline; descenders take <see cref="Descent"/> more.</summary>
    public const int Ascent = 7;

    public const int Descent = 1;

    /// <summary>A glyph and the column of space after it.</summary>
    public const int Advance = GlyphWidth + 1;

    // Each glyph is 8 rows of 5 columns, top down; '#' is ink. The eighth row is below the baseline.
    private static readonly Dictionary<char, byte[]> Glyphs = Parse(new Dictionary<char, string>
    {
        ['0'] = ".###. #...# #..## #.#.# ##..# #...# .###. .....",
        ['1'] = "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###. .....",
        ['2'] = ".###. #...# ....# ...#. ..#.. .#... ##### .....",
        ['3'] = "##### ...#. ..#.. ...#. ....# #...# .###. .....",
        ['4'] = "...#. ..##. .#.#. #..#. ##### ...#. ...#. .....",
        ['5'] = "##### #.... ####. ....# ....# #...# .###. .....",
        ['6'] = "..##. .#... #.... ####. #...# #...# .###. .....",
        ['7'] = "##### ....# ...#. ..#.. .#... .#... .#... .....",
        ['8'] = ".###. #...# #...# .###. #...# #...# .###. .....",
        ['9'] = ".###. #...# #...# .#### ....# ...#. .##.. .....",
        ['a'] = "..... ..... .###. ....# .#### #...# .#### .....",
        ['b'] = "#.... #.... #.##. ##..# #...# #...# ####. .....",
        ['c'] = "..... ..... .###. #.... #.... #...# .###. .....",
        ['d'] = "....# ....# .##.# #..## #...# #...# .#### .....",
        ['e'] = "..... ..... .###. #...# ##### #.... .###. .....",
        ['f'] = "..##. .#..# .#... ###.. .#... .#... .#... .....",
        ['g'] = "..... ..... .#### #...# #...# .#### ....# .###.",
        ['h'] = "#.... #.... #.##. ##..# #...# #...# #...# .....",
        ['i'] = "..#.. ..... .##.. ..#.. ..#.. ..#.. .###. .....",
        ['j'] = "...#. ..... ..##. ...#. ...#. ...#. #..#. .##..",
        ['k'] = "#.... #.... #..#. #.#.. ##... #.#.. #..#. .....",
        ['l'] = ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###. .....",
        ['m'] = "..... ..... ##.#. #.#.# #.#.# #...# #...# .....",
        ['n'] = "..... ..... #.##. ##..# #...# #...# #...# .....",
        ['o'] = "..... ..... .###. #...# #...# #...# .###. .....",
        ['p'] = "..... ..... ####. #...# #...# ####. #.... #....",
        ['q'] = "..... ..... .#### #...# #...# .#### ....# ....#",
        ['r'] = "..... ..... #.##. ##..# #.... #.... #.... .....",
        ['s'] = "..... ..... .###. #.... .###. ....# ####. .....",
        ['t'] = ".#... .#... ###.. .#... .#... .#..# ..##. .....",
        ['u'] = "..... ..... #...# #...# #...# #..## .##.# .....",
        ['v'] = "..... ..... #...# #...# #...# .#.#. ..#.. .....",
        ['w'] = "..... ..... #...# #...# #.#.# #.#.# .#.#. .....",
        ['x'] = "..... ..... #...# .#.#. ..#.. .#.#. #...# .....",
        ['y'] = "..... ..... #...# #...# #...# .#### ....# .###.",
        ['z'] = "..... ..... ##### ...#. ..#.. .#... ##### .....",
        ['-'] = "..... ..... ..... ##### ..... ..... ..... .....",
        ['.'] = "..... ..... ..... ..... ..... .##.. .##.. .....",
        [':'] = "..... .##.. .##.. ..... .##.. .##.. ..... .....",
        ['_'] = "..... ..... ..... ..... ..... ..... ##### .....",
        ['/'] = "..... ....# ...#. ..#.. .#... #.... ..... .....",
        [' '] = "..... ..... ..... ..... ..... ..... ..... .....",
    });

    private static readonly byte[] Box = Parse("..... ..... ####. #..#. #..#. ####. ..... .....");

    /// <summary>The glyph's rows, top down, each a 5-bit mask (bit 4 is the leftmost column).</summary>
    public static ReadOnlySpan<byte> Glyph(char c) =>
        Glyphs.TryGetValue(char.ToLowerInvariant(c), out var rows) ? rows : Box;

    public static bool Has(char c) => Glyphs.ContainsKey(char.ToLowerInvariant(c));

    /// <summary>The width in pixels of <paramref name="text"/> drawn in one line (no trailing space), a Chinese character of the legend's <see cref="HanGlyphs"/> at its own width.</summary>
    public static int Measure(string text) => text.Length == 0 ? 0 : text.Sum(c => HanGlyphs.Has(c) ? HanGlyphs.Advance : Advance) - 1;

    private static Dictionary<char, byte[]> Parse(Dictionary<char, string> glyphs) =>
        glyphs.ToDictionary(g => g.Key, g => Parse(g.Value));

    private static byte[] Parse(string rows)
    {
        var parts = rows.Split(' ');
        if (parts.Length != Ascent + Descent || parts.Any(p => p.Length != GlyphWidth))
        {
            throw new InvalidOperationException($"A glyph must be {Ascent + Descent} rows of {GlyphWidth}: '{rows}'.");
        }

        return [.. parts.Select(p => (byte)p.Aggregate(0, (mask, c) => (mask << 1) | (c == '#' ? 1 : 0)))];
    }
}
