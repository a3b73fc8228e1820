namespace GroupGuard.Core.Digests.Charts;

/// <summary>An RGB colour, 8 bits a channel.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb Hex(int rgb) => new((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);

    public override string ToString() => $"#{R:x2}{G:x2}{B:x2}";
}

/// <summary>
/// A picture in memory, 3 bytes a pixel, row by row from the top: filled rectangles and
/// <see cref="PixelFont"/> text, everything clipped to the picture. Integer arithmetic only,
/// so the same drawing gives the same bytes everywhere.
/// </summary>
internal sealed class Raster
{
    private readonly byte[] _pixels;

    public Raster(int width, int height, Rgb background)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        Fill(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixels, 3 bytes each (R, G, B), row after row from the top.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    public Rgb this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * 3;
            return new Rgb(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    /// <summary>Fills [x, x + width) × [y, y + height), as much of it as lies in the picture.</summary>
    public void Fill(int x, int y, int width, int height, Rgb colour)
    {
        var x0 = Math.Max(x, 0);
        var y0 = Math.Max(y, 0);
        var x1 = Math.Min((long)x + width, Width);
        var y1 = Math.Min((long)y + height, Height);
        for (var row = y0; row < y1; row++)
        {
            for (var column = x0; column < x1; column++)
            {
                var i = ((row * Width) + column) * 3;
                _pixels[i] = colour.R;
                _pixels[i + 1] = colour.G;
                _pixels[i + 2] = colour.B;
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="text"/> with its top-left corner at (x, y); the baseline is
    /// <see cref="PixelFont.Ascent"/> rows down. A character of <see cref="HanGlyphs"/> stands on
    /// the same baseline (reaching higher), its edges blended with what is under it.
    /// </summary>
    public void Text(int x, int y, string text, Rgb colour)
    {
        foreach (var c in text)
        {
            if (HanGlyphs.Has(c))
            {
                Blend(x, y + PixelFont.Ascent - HanGlyphs.Above, HanGlyphs.Size, HanGlyphs.Glyph(c), colour);
                x += HanGlyphs.Advance;
                continue;
            }

            var rows = PixelFont.Glyph(c);
            for (var row = 0; row < rows.Length; row++)
            {
                for (var column = 0; column < PixelFont.GlyphWidth; column++)
                {
                    if ((rows[row] & (1 << (PixelFont.GlyphWidth - 1 - column))) != 0)
                    {
                        Fill(x + column, y + row, 1, 1, colour);
                    }
                }
            }

            x += PixelFont.Advance;
        }
    }

    /// <summary>
    /// Lays <paramref name="colour"/> over the square of <paramref name="size"/> pixels at (x, y),
    /// each pixel by its <paramref name="coverage"/> (0 to <see cref="HanGlyphs.Full"/>, row by
    /// row), in integers; what lies outside the picture is left out.
    /// </summary>
    private void Blend(int x, int y, int size, ReadOnlySpan<byte> coverage, Rgb colour)
    {
        for (var row = 0; row < size; row++)
        {
            for (var column = 0; column < size; column++)
            {
                var (px, py, a) = (x + column, y + row, coverage[(row * size) + column]);
                if (a == 0 || px < 0 || py < 0 || px >= Width || py >= Height)
                {
                    continue;
                }

                var i = ((py * Width) + px) * 3;
                _pixels[i] = Mix(_pixels[i], colour.R, a);
                _pixels[i + 1] = Mix(_pixels[i + 1], colour.G, a);
                _pixels[i + 2] = Mix(_pixels[i + 2], colour.B, a);
            }
        }
    }

    private static byte Mix(byte under, byte over, int coverage) =>
        (byte)(((under * (HanGlyphs.Full - coverage)) + (over * coverage) + (HanGlyphs.Full / 2)) / HanGlyphs.Full);
}
