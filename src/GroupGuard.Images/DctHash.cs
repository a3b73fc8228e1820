namespace GroupGuard.Images;

/// <summary>
/// The perceptual hash of <see cref="Core.Images.PerceptualHash"/>: the picture averaged down to
/// 32×32 grey, the 8×8 lowest frequencies of its DCT, one bit each for being above their median
/// (the constant term left out of the median).
/// </summary>
internal static class DctHash
{
    private const int Size = 32;
    private const int Low = 8;

    private static readonly double[,] Cosines = BuildCosines();

    public static ulong Of(LuminancePlane plane)
    {
        var small = AreaAverage(plane);

        // Separable DCT-II, only the low 8 frequencies each way.
        var rows = new double[Size, Low];
        for (var y = 0; y < Size; y++)
        {
            for (var u = 0; u < Low; u++)
            {
                var sum = 0.0;
                for (var x = 0; x < Size; x++)
                {
                    sum += small[(y * Size) + x] * Cosines[u, x];
                }

                rows[y, u] = sum;
            }
        }

        var coefficients = new double[Low * Low];
        for (var v = 0; v < Low; v++)
        {
            for (var u = 0; u < Low; u++)
            {
                var sum = 0.0;
                for (var y = 0; y < Size; y++)
                {
                    sum += rows[y, u] * Cosines[v, y];
                }

                coefficients[(v * Low) + u] = sum;
            }
        }

        // 63 values: the median is the middle one.
        var sorted = coefficients[1..];
        Array.Sort(sorted);
        var median = sorted[sorted.Length / 2];

        ulong hash = 0;
        for (var i = 0; i < coefficients.Length; i++)
        {
            if (coefficients[i] > median)
            {
                hash |= 1UL << i;
            }
        }

        return hash;
    }

    /// <summary>
    /// 32×32 cells, each the mean of the pixels whose centres fall in it (a picture smaller than 32
    /// in a direction repeats its pixels), so resizing the picture barely moves a cell's value.
    /// </summary>
    private static double[] AreaAverage(LuminancePlane plane)
    {
        var cells = new double[Size * Size];
        var counts = new int[Size * Size];
        if (plane.Width >= Size && plane.Height >= Size)
        {
            var columns = new int[plane.Width];
            for (var x = 0; x < columns.Length; x++)
            {
                columns[x] = (int)((long)x * Size / plane.Width);
            }

            for (var y = 0; y < plane.Height; y++)
            {
                var cy = (int)((long)y * Size / plane.Height) * Size;
                var row = y * plane.Width;
                for (var x = 0; x < plane.Width; x++)
                {
                    var cell = cy + columns[x];
                    cells[cell] += plane.Pixels[row + x];
                    counts[cell]++;
                }
            }

            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] /= counts[i];
            }

            return cells;
        }

        for (var cy = 0; cy < Size; cy++)
        {
            for (var cx = 0; cx < Size; cx++)
            {
                var x = Math.Min(plane.Width - 1, (int)((cx + 0.5) * plane.Width / Size));
                var y = Math.Min(plane.Height - 1, (int)((cy + 0.5) * plane.Height / Size));
                cells[(cy * Size) + cx] = plane[x, y];
            }
        }

        return cells;
    }

    private static double[,] BuildCosines()
    {
        var table = new double[Low, Size];
        for (var u = 0; u < Low; u++)
        {
            for (var x = 0; x < Size; x++)
            {
                table[u, x] = Math.Cos(((2 * x) + 1) * u * Math.PI / (2 * Size));
            }
        }

        return table;
    }
}
