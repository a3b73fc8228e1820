using System.Globalization;

namespace GroupGuard.Core.Digests.Charts;

/// <summary>
/// The 30-day chart leaders get in their email digest and the console shows without scripts:
/// offending messages per day (<see cref="IIncidentBrowser.OverviewAsync"/>: a message of several
/// hits once in each category it hit, as the digest's text counts them) as bars stacked by category, a light grid with the counts on the left, a date
/// under every fifth day (the last day always), and a legend with each category's total, named as
/// the digest's text names it (<see cref="Label"/>). A PNG drawn and encoded here (a built-in 5×7
/// font and the legend's Chinese characters, <see cref="HanGlyphs"/>; no font or image package),
/// the same bytes for the same counts on every machine.
/// </summary>
/// <remarks>
/// Colours are from Okabe and Ito's colour-blind-safe set and Paul Tol's muted one. The shipped
/// categories keep their colour whatever else a chart holds (ads is always orange); other
/// categories take the free colours in sorted order. Beyond <see cref="MaxCategories"/> the
/// smallest categories fold into <see cref="Other"/> (grey).
/// </remarks>
public static class IncidentChart
{
    public const int Width = 720;
    public const int Height = 300;
    public const int Days = 30;

    /// <summary>Categories shown apart, <see cref="Other"/> included.</summary>
    public const int MaxCategories = 12;

    /// <summary>Where the categories beyond <see cref="MaxCategories"/> go.</summary>
    public const string Other = "other";

    public const string ContentType = "image/png";

    // The plot: 30 slots of 18 pixels, a bar of 12 in each; the counts left of it, the dates
    // under it, the legend right of it.
    internal const int PlotLeft = 46;
    internal const int PlotTop = 12;
    internal const int PlotBottom = 276;
    internal const int Slot = 18;
    internal const int BarWidth = 12;
    internal const int PlotRight = PlotLeft + (Days * Slot);
    internal const int LegendLeft = 598;
    internal const int LegendTop = 14;
    internal const int LegendRow = 14;
    internal const int Swatch = 9;
    internal const int LabelEvery = 5;

    /// <summary>Pixels a legend line (name and total) has right of the swatch.</summary>
    internal const int LegendRoom = Width - (LegendLeft + Swatch + 5);

    /// <summary>Characters of <see cref="PixelFont"/> of a legend line that fit in <see cref="LegendRoom"/>.</summary>
    internal const int LegendChars = (LegendRoom + 1) / PixelFont.Advance;

    /// <summary>What an empty plot says, in <see cref="HanGlyphs"/> as the rest of the digest is in Chinese.</summary>
    internal const string Quiet = "无违规";

    internal static readonly Rgb Background = Rgb.Hex(0xFFFFFF);
    internal static readonly Rgb Grid = Rgb.Hex(0xEBEBEB);
    internal static readonly Rgb Axis = Rgb.Hex(0x8C8C8C);
    internal static readonly Rgb Ink = Rgb.Hex(0x404040);
    internal static readonly Rgb OtherColour = Rgb.Hex(0xBBBBBB);

    /// <summary>Eleven colours a colour-blind reader tells apart on white (the first eight in pairs at least).</summary>
    internal static readonly Rgb[] Palette =
    [
        Rgb.Hex(0xD55E00), // vermillion
        Rgb.Hex(0xE69F00), // orange
        Rgb.Hex(0x882255), // wine
        Rgb.Hex(0x999933), // olive
        Rgb.Hex(0x0072B2), // blue
        Rgb.Hex(0x009E73), // bluish green
        Rgb.Hex(0xCC79A7), // reddish purple
        Rgb.Hex(0x56B4E9), // sky blue
        Rgb.Hex(0xF0E442), // yellow
        Rgb.Hex(0x332288), // indigo
        Rgb.Hex(0x44AA99), // teal
    ];

    /// <summary>The shipped packs' categories, each with its own palette entry.</summary>
    private static readonly string[] Known = ["abuse", "ads", "contraband", "flood", "fraud", "gambling", "porn", "privacy"];

    /// <summary>
    /// The window a chart ending at <paramref name="end"/> covers: the 30 days of
    /// <paramref name="zone"/> up to the one <paramref name="end"/> falls in (an end at midnight
    /// closes the day before), from that first day's midnight to <paramref name="end"/>. Days are
    /// cut at the zone's offset at <paramref name="end"/>, as <see cref="IIncidentBrowser.OverviewAsync"/> takes one.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To, TimeSpan UtcOffset, DateOnly FirstDay) Window(DateTimeOffset end, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var offset = zone.GetUtcOffset(end);
        var lastDay = DateOnly.FromDateTime(end.ToOffset(offset).AddTicks(-1).DateTime);
        var firstDay = lastDay.AddDays(-(Days - 1));
        return (new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), offset), end, offset, firstDay);
    }

    /// <summary>The chart of the incidents of <paramref name="scope"/>'s groups (null: every group) in the <see cref="Window"/> ending at <paramref name="end"/>.</summary>
    public static async Task<byte[]> RenderAsync(
        IIncidentBrowser incidents,
        DateTimeOffset end,
        TimeZoneInfo zone,
        IReadOnlyCollection<string>? scope,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        var (from, to, offset, firstDay) = Window(end, zone);
        var overview = await incidents.OverviewAsync(from, to, offset, scope, 1, cancellationToken).ConfigureAwait(false);
        return Render(overview.PerDay, firstDay);
    }

    /// <summary>
    /// The chart of <paramref name="perDay"/> for the 30 days from <paramref name="firstDay"/>, as
    /// PNG bytes. Counts of other days, and counts below one, are left out; the order of
    /// <paramref name="perDay"/> does not matter, and a day and category given twice is summed.
    /// </summary>
    public static byte[] Render(IReadOnlyList<DayCount> perDay, DateOnly firstDay) =>
        PngEncoder.Encode(Draw(perDay, firstDay));

    /// <summary>
    /// The series as the picture draws them (the same categories, the same folding into
    /// <c>other</c>, colours as <c>#rrggbb</c>), for a scripted chart that must look the same.
    /// </summary>
    public static IReadOnlyList<ChartSeries> SeriesOf(IReadOnlyList<DayCount> perDay, DateOnly firstDay) =>
        [.. Fold(perDay, firstDay).Select(s => new ChartSeries(s.Name, s.Colour.ToString(), s.PerDay))];

    /// <summary>The categories as drawn, bottom of the stack first, each with its colour and its counts per day.</summary>
    internal static List<Series> Fold(IReadOnlyList<DayCount> perDay, DateOnly firstDay)
    {
        ArgumentNullException.ThrowIfNull(perDay);
        var counts = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var d in perDay)
        {
            var day = d is null ? -1 : d.Day.DayNumber - firstDay.DayNumber;
            if (day is < 0 or >= Days || d!.Count <= 0)
            {
                continue;
            }

            var name = string.IsNullOrEmpty(d.Category) ? "?" : d.Category;
            if (!counts.TryGetValue(name, out var days))
            {
                counts[name] = days = new long[Days];
            }

            days[day] += d.Count;
        }

        var named = counts.Keys.Where(n => n != Other)
            .OrderByDescending(n => counts[n].Sum())
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToList();
        var shown = named.Count + (counts.ContainsKey(Other) ? 1 : 0) <= MaxCategories ? named : named.Take(MaxCategories - 1).ToList();
        var folded = counts.ContainsKey(Other) ? (long[])counts[Other].Clone() : new long[Days];
        foreach (var name in named.Skip(shown.Count))
        {
            for (var i = 0; i < Days; i++)
            {
                folded[i] += counts[name][i];
            }
        }

        shown.Sort(StringComparer.Ordinal);
        var colours = Colours(shown);
        var series = shown.Select(n => new Series(n, colours[n], counts[n])).ToList();
        if (folded.Any(c => c > 0))
        {
            series.Add(new Series(Other, OtherColour, folded));
        }

        return series;
    }

    /// <summary>The shipped categories' own colours; the rest get the colours left, in sorted order.</summary>
    private static Dictionary<string, Rgb> Colours(List<string> sortedNames)
    {
        var colours = new Dictionary<string, Rgb>(StringComparer.Ordinal);
        var taken = new bool[Palette.Length];
        foreach (var name in sortedNames)
        {
            if (Array.IndexOf(Known, name) is var k and >= 0)
            {
                colours[name] = Palette[k];
                taken[k] = true;
            }
        }

        // Colours no shipped category owns first, then those of shipped categories not in this chart.
        var free = new Queue<int>(Enumerable.Range(Known.Length, Palette.Length - Known.Length)
            .Concat(Enumerable.Range(0, Known.Length))
            .Where(i => !taken[i]));
        foreach (var name in sortedNames.Where(n => !colours.ContainsKey(n)))
        {
            colours[name] = free.TryDequeue(out var i) ? Palette[i] : OtherColour;
        }

        return colours;
    }

    internal static Raster Draw(IReadOnlyList<DayCount> perDay, DateOnly firstDay)
    {
        var series = Fold(perDay, firstDay);
        var totals = Enumerable.Range(0, Days).Select(i => series.Sum(s => s.PerDay[i])).ToArray();
        var (top, step) = Scale(totals.Max());
        var raster = new Raster(Width, Height, Background);

        for (var value = 0L; value <= top; value += step)
        {
            var y = Y(value, top);
            if (value > 0)
            {
                raster.Fill(PlotLeft, y, PlotRight - PlotLeft, 1, Grid);
            }

            var label = Compact(value);
            raster.Text(PlotLeft - 5 - PixelFont.Measure(label), y - (PixelFont.Ascent / 2), label, Ink);
        }

        for (var day = 0; day < Days; day++)
        {
            var below = 0L;
            foreach (var s in series)
            {
                var above = below + s.PerDay[day];
                var y0 = Y(below, top);
                var y1 = Y(above, top);
                raster.Fill(BarLeft(day), y1, BarWidth, y0 - y1, s.Colour);
                below = above;
            }

            if ((Days - 1 - day) % LabelEvery == 0)
            {
                var centre = BarLeft(day) + (BarWidth / 2);
                var label = firstDay.AddDays(day).ToString("MM-dd", CultureInfo.InvariantCulture);
                raster.Fill(centre, PlotBottom, 1, 4, Axis);
                raster.Text(centre - (PixelFont.Measure(label) / 2), PlotBottom + 6, label, Ink);
            }
        }

        raster.Fill(PlotLeft - 1, PlotTop, 1, PlotBottom - PlotTop + 1, Axis);
        raster.Fill(PlotLeft - 1, PlotBottom, PlotRight - PlotLeft + 1, 1, Axis);

        if (series.Count == 0)
        {
            var x = PlotLeft + ((PlotRight - PlotLeft - PixelFont.Measure(Quiet)) / 2);
            var y = PlotTop + ((PlotBottom - PlotTop - PixelFont.Ascent) / 2);
            raster.Fill(x - 4, y - 3, PixelFont.Measure(Quiet) + 8, PixelFont.Ascent + 6, Background); // off the grid line
            raster.Text(x, y, Quiet, Axis);
        }

        for (var i = 0; i < series.Count; i++)
        {
            var y = LegendTop + (i * LegendRow);
            raster.Fill(LegendLeft, y, Swatch, Swatch, series[i].Colour);
            raster.Text(LegendLeft + Swatch + 5, y + 1, LegendLine(Label(series[i].Name), series[i].PerDay.Sum()), Ink);
        }

        return raster;
    }

    /// <summary>The left edge of a day's bar.</summary>
    internal static int BarLeft(int day) => PlotLeft + (day * Slot) + ((Slot - BarWidth) / 2);

    /// <summary>The row where a count of <paramref name="value"/> reaches, on a scale up to <paramref name="top"/> (rounded to the nearest row).</summary>
    internal static int Y(long value, long top) =>
        PlotBottom - (int)(((value * (PlotBottom - PlotTop) * 2) + top) / (2 * top));

    /// <summary>
    /// The top of the scale and its step: 1, 2 or 5 times a power of ten, at most five steps up to
    /// at least <paramref name="max"/>. Nothing to show still gets a scale (0 to 4).
    /// </summary>
    internal static (long Top, long Step) Scale(long max)
    {
        if (max <= 0)
        {
            return (4, 1);
        }

        for (var power = 1L; ; power *= 10)
        {
            foreach (var step in new[] { power, 2 * power, 5 * power })
            {
                var steps = (max + step - 1) / step;
                if (steps <= 5)
                {
                    return (steps * step, step);
                }
            }
        }
    }

    /// <summary>A count in at most five characters or so: 950, 12k, 1.5m.</summary>
    internal static string Compact(long value) => value switch
    {
        >= 1_000_000 => (value / 1_000_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "m",
        >= 10_000 => (value / 1_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A category as the legend names it: as the digest's text does (<see cref="DigestBuilder.CategoryName"/>:
    /// 广告引流 for <c>ads</c>, 诈骗 for <c>fraud</c> …, any other by its id), the folded ones 其他.
    /// </summary>
    internal static string Label(string category) =>
        category == Other ? "其他" : DigestBuilder.CategoryName(category, static name => name);

    /// <summary>The category's name and its total, the name cut short (ending in '.') when both do not fit in <see cref="LegendRoom"/>.</summary>
    internal static string LegendLine(string name, long total)
    {
        var count = " " + Compact(total);
        if (PixelFont.Measure(name + count) <= LegendRoom)
        {
            return name + count;
        }

        var cut = name.Length;
        while (cut > 0 && PixelFont.Measure(name[..cut] + "." + count) > LegendRoom)
        {
            cut--;
        }

        return name[..cut] + "." + count;
    }

    /// <summary>One category as drawn: its name, colour and count on each of the 30 days.</summary>
    internal sealed record Series(string Name, Rgb Colour, long[] PerDay);
}

/// <summary>One category of the incident chart: its name, its colour (<c>#rrggbb</c>) and its counts per day.</summary>
public sealed record ChartSeries(string Category, string Colour, IReadOnlyList<long> PerDay);
