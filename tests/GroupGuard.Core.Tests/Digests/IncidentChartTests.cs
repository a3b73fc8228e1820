using GroupGuard.Core.Digests;
using GroupGuard.Core.Digests.Charts;

namespace GroupGuard.Core.Tests.Digests;

public sealed class IncidentChartTests
{
    private static readonly DateOnly First = new(2026, 10, 27);

    private static (byte, byte, byte) C(Rgb colour) => (colour.R, colour.G, colour.B);

    private static (byte, byte, byte) ColourOf(string category, params DayCount[] perDay) =>
        C(IncidentChart.Fold(perDay, First).Single(s => s.Name == category).Colour);

    /// <summary>The column through the middle of a day's bar.</summary>
    private static int Middle(int day) => IncidentChart.BarLeft(day) + (IncidentChart.BarWidth / 2);

    private static DayCount On(int day, string category, int count) => new(First.AddDays(day), category, count);

    [Fact]
    public void The_png_has_valid_chunks_the_declared_size_and_a_scanline_per_row()
    {
        var png = IncidentChart.Render([On(0, "ads", 3), On(29, "fraud", 1)], First);

        var image = PngImage.Decode(png);

        Assert.Equal(["IHDR", "IDAT", "IEND"], image.Chunks);
        Assert.Equal(IncidentChart.Width, image.Width);
        Assert.Equal(IncidentChart.Height, image.Height);
        Assert.Equal((byte)0xFF, image[0, 0].R); // a white background
    }

    [Fact]
    public void The_crc_table_gives_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, PngEncoder.Crc32.Of("123456789"u8));
    }

    [Fact]
    public void A_day_with_twice_the_count_has_a_bar_twice_as_tall()
    {
        var image = PngImage.Decode(IncidentChart.Render([On(3, "ads", 10), On(10, "ads", 20), On(20, "ads", 5)], First));
        var ads = ColourOf("ads", On(0, "ads", 1));

        var ten = image.CountInColumn(Middle(3), ads);
        var twenty = image.CountInColumn(Middle(10), ads);
        var five = image.CountInColumn(Middle(20), ads);

        Assert.Equal(IncidentChart.PlotBottom - IncidentChart.PlotTop, twenty); // 20 is the top of the scale
        Assert.InRange(twenty - (2 * ten), -1, 1);
        Assert.InRange(ten - (2 * five), -1, 1);
        Assert.Equal(0, image.CountInColumn(Middle(4), ads)); // a day without incidents has no bar
    }

    [Fact]
    public void Stacked_categories_share_a_column_in_proportion_with_each_its_own_colour()
    {
        var perDay = new[] { On(5, "ads", 3), On(5, "fraud", 1), On(6, "fraud", 2) };
        var image = PngImage.Decode(IncidentChart.Render(perDay, First));
        var ads = ColourOf("ads", perDay);
        var fraud = ColourOf("fraud", perDay);

        var adsPixels = image.CountInColumn(Middle(5), ads);
        var fraudPixels = image.CountInColumn(Middle(5), fraud);

        Assert.NotEqual(ads, fraud);
        Assert.InRange(adsPixels - (3 * fraudPixels), -2, 2);
        Assert.Equal(IncidentChart.PlotBottom - IncidentChart.PlotTop, adsPixels + fraudPixels); // 4 is the scale's top
        Assert.InRange(image.CountInColumn(Middle(6), fraud) - (2 * fraudPixels), -1, 1);
        Assert.Equal(0, image.CountInColumn(Middle(6), ads));
        // The legend's swatch for each category is in the chart.
        Assert.True(image.Count(ads, x0: IncidentChart.LegendLeft) > 0);
        Assert.True(image.Count(fraud, x0: IncidentChart.LegendLeft) > 0);
    }

    [Fact]
    public void The_same_counts_give_the_same_bytes_in_any_order_and_a_repeated_day_is_summed()
    {
        DayCount[] counts = [On(0, "ads", 4), On(1, "porn", 2), On(1, "abuse", 7), On(17, "gambling", 1), On(29, "ads", 3)];
        DayCount[] split = [On(29, "ads", 1), On(17, "gambling", 1), On(1, "abuse", 7), On(29, "ads", 2), On(1, "porn", 2), On(0, "ads", 4)];

        var once = IncidentChart.Render(counts, First);
        var again = IncidentChart.Render(counts, First);
        var shuffled = IncidentChart.Render([.. counts.Reverse()], First);
        var summed = IncidentChart.Render(split, First);

        Assert.Equal(once, again);
        Assert.Equal(once, shuffled);
        Assert.Equal(once, summed);
        Assert.NotEqual(once, IncidentChart.Render([.. counts, On(2, "ads", 1)], First));
    }

    [Fact]
    public void No_incidents_still_give_a_valid_png_with_an_empty_plot_that_says_so()
    {
        var image = PngImage.Decode(IncidentChart.Render([], First));
        var quiet = PngImage.Decode(IncidentChart.Render([On(-1, "ads", 9), On(30, "ads", 9), On(4, "ads", 0), On(5, "fraud", -3)], First));

        Assert.Equal(IncidentChart.Width, image.Width);
        Assert.All(IncidentChart.Palette.Append(IncidentChart.OtherColour), colour => Assert.Equal(0, image.Count(C(colour))));
        // Inside the plot (axes and grid aside) only the words 无违规 are drawn, in the axis colour blended into the background.
        Assert.InRange(
            image.CountOther([C(IncidentChart.Background), C(IncidentChart.Grid)], IncidentChart.PlotLeft, IncidentChart.PlotTop + 1, IncidentChart.PlotRight, IncidentChart.PlotBottom),
            20,
            400);
        Assert.True(image.Count(C(IncidentChart.Grid)) > 0, "the grid is drawn");
        Assert.Equal(IncidentChart.Render([], First), IncidentChart.Render([On(-1, "ads", 9), On(30, "ads", 9), On(4, "ads", 0), On(5, "fraud", -3)], First));
        Assert.Equal(image.Count(C(IncidentChart.Ink)), quiet.Count(C(IncidentChart.Ink))); // the same scale and dates
    }

    [Fact]
    public void An_empty_chart_says_无违规_in_chinese_glyphs_as_the_rest_of_the_digest_is_in_chinese()
    {
        var image = PngImage.Decode(IncidentChart.Render([], First));
        var width = PixelFont.Measure(IncidentChart.Quiet);
        var left = IncidentChart.PlotLeft + ((IncidentChart.PlotRight - IncidentChart.PlotLeft - width) / 2);
        var top = IncidentChart.PlotTop + ((IncidentChart.PlotBottom - IncidentChart.PlotTop - PixelFont.Ascent) / 2);
        var background = C(IncidentChart.Background);

        Assert.Equal("无违规", IncidentChart.Quiet);
        Assert.All(IncidentChart.Quiet, c => Assert.True(HanGlyphs.Has(c), $"{c} has no glyph: run tools/chart-glyphs.py"));
        Assert.Equal((3 * HanGlyphs.Advance) - 1, width);

        // Three 12-pixel glyphs, blended into the background at their edges, reaching above the
        // small font's rows (an English word in the 5×7 font would be neither).
        Assert.InRange(image.CountOther([background], left, top - 3, left + width, top + 9), 60, 3 * 12 * 12 * 3 / 4);
        Assert.True(image.CountOther([background], left, top - 3, left + width, top) > 0, "the glyphs reach above the small font");
        Assert.True(image.CountOther([background, C(IncidentChart.Axis)], left, top - 3, left + width, top + 9) > 0, "the edges are blended");
    }

    [Fact]
    public void More_than_twelve_categories_fold_the_smallest_into_other()
    {
        // c01 has 1 incident … c15 has 15; a category named "other" joins the folded ones.
        var perDay = Enumerable.Range(1, 15).Select(n => On(n % 30, $"c{n:00}", n)).Append(On(0, "other", 100)).ToList();

        var series = IncidentChart.Fold(perDay, First);
        var image = PngImage.Decode(IncidentChart.Render(perDay, First));

        Assert.Equal(IncidentChart.MaxCategories, series.Count);
        Assert.Equal(Enumerable.Range(5, 11).Select(n => $"c{n:00}").Append("other"), series.Select(s => s.Name));
        Assert.Equal(100 + 1 + 2 + 3 + 4, series[^1].PerDay.Sum());
        Assert.Equal(C(IncidentChart.OtherColour), C(series[^1].Colour));
        Assert.Equal(series.Count, series.Select(s => s.Colour).Distinct().Count()); // every category its own colour
        Assert.True(image.CountInColumn(Middle(0), C(IncidentChart.OtherColour)) > 0);
        Assert.Equal(IncidentChart.MaxCategories, IncidentChart.Fold([.. Enumerable.Range(1, 12).Select(n => On(0, $"c{n:00}", n))], First).Count(s => s.Name != "other"));
    }

    [Fact]
    public void A_shipped_category_keeps_its_colour_whatever_else_the_chart_holds()
    {
        var alone = ColourOf("ads", On(0, "ads", 1));
        var withOthers = ColourOf("ads", On(0, "abuse", 5), On(0, "ads", 1), On(1, "aaa-custom", 2), On(2, "fraud", 1));
        var custom = ColourOf("aaa-custom", On(0, "abuse", 5), On(0, "ads", 1), On(1, "aaa-custom", 2));

        Assert.Equal(alone, withOthers);
        Assert.DoesNotContain(custom, new[] { "abuse", "ads" }.Select(c => ColourOf(c, On(0, "abuse", 5), On(0, "ads", 1), On(1, "aaa-custom", 2))));
    }

    [Fact]
    public void The_legend_names_each_category_as_the_digest_text_does_and_the_folded_ones_其他()
    {
        foreach (var category in new[] { "ads", "fraud", "gambling", "porn", "abuse", "privacy", "flood", "contraband", "images" })
        {
            var name = DigestBuilder.CategoryName(category, static c => c);
            Assert.Equal(name, IncidentChart.Label(category));
            Assert.NotEqual(category, name); // the shipped packs' names, not their ids
            Assert.All(name, c => Assert.True(HanGlyphs.Has(c), $"{c} of {name} has no glyph: run tools/chart-glyphs.py"));
        }

        Assert.Equal("其他", IncidentChart.Label(IncidentChart.Other));
        Assert.Equal("已屏蔽图片", IncidentChart.Label("images")); // GroupGuard's own blocked pictures, as their rule's pack is named
        Assert.Equal("aaa-custom", IncidentChart.Label("aaa-custom")); // a category the digest names by its id
        Assert.Equal("广告引流 12", IncidentChart.LegendLine(IncidentChart.Label("ads"), 12));
        Assert.Equal("辱骂仇恨 12.3k", IncidentChart.LegendLine(IncidentChart.Label("abuse"), 12_345));
    }

    [Fact]
    public void A_legend_name_is_drawn_with_its_chinese_glyphs_on_the_line_s_baseline()
    {
        var ads = PngImage.Decode(IncidentChart.Render([On(0, "ads", 2)], First));
        var custom = PngImage.Decode(IncidentChart.Render([On(0, "zz", 2)], First)); // drawn in the 5×7 font
        var (left, top) = (IncidentChart.LegendLeft + IncidentChart.Swatch + 5, IncidentChart.LegendTop);

        // 广告引流: four glyphs 12 pixels high from three rows above the small font's top, blended
        // into the background at their edges; "zz" is two letters in the 5×7 font's rows, in ink.
        var background = C(IncidentChart.Background);
        var right = left + (4 * HanGlyphs.Advance);
        Assert.InRange(ads.CountOther([background], left, top - 2, right, top + 11), 100, 4 * 12 * 12 * 3 / 4);
        Assert.True(ads.CountOther([background], left, top - 2, right, top + 1) > 0, "the glyphs reach above the small font");
        Assert.True(ads.CountOther([background, C(IncidentChart.Ink)], left, top - 2, right, top + 11) > 0, "the edges are blended");
        Assert.Equal(0, custom.CountOther([background], left, top - 2, right, top + 1));
        Assert.True(custom.Count(C(IncidentChart.Ink), left, top + 1, left + 11, top + 9) > 0);
    }

    [Fact]
    public void Names_the_font_lacks_are_drawn_as_boxes_and_long_names_are_cut_short()
    {
        var png = IncidentChart.Render([On(0, "学校", 2), On(0, "a-very-long-category-name", 1)], First);

        PngImage.Decode(png);
        Assert.False(PixelFont.Has('学'));
        Assert.False(HanGlyphs.Has('学'));
        Assert.True(PixelFont.Has('Q')); // drawn as q
        Assert.Equal("a-very-long-cat. 1", IncidentChart.LegendLine("a-very-long-category-name", 1));
        Assert.Equal(IncidentChart.LegendChars, IncidentChart.LegendLine("a-very-long-category-name", 1234).Length);
        Assert.EndsWith(". 1234", IncidentChart.LegendLine("a-very-long-category-name", 1234), StringComparison.Ordinal);
        Assert.Equal("ads 12.3k", IncidentChart.LegendLine("ads", 12_345));
        Assert.Equal("广告引流广. 1234", IncidentChart.LegendLine("广告引流广告引流广告引流", 1234)); // cut by width: 13 pixels a character
    }

    [Theory]
    [InlineData(0, 4, 1)]
    [InlineData(1, 1, 1)]
    [InlineData(5, 5, 1)]
    [InlineData(7, 8, 2)]
    [InlineData(23, 25, 5)]
    [InlineData(101, 150, 50)]
    [InlineData(9_999_999, 10_000_000, 2_000_000)]
    public void The_scale_steps_by_one_two_or_five_times_a_power_of_ten(long max, long top, long step)
    {
        Assert.Equal((top, step), IncidentChart.Scale(max));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(9_999, "9999")]
    [InlineData(12_345, "12.3k")]
    [InlineData(2_000_000, "2m")]
    [InlineData(1_500_000, "1.5m")]
    public void Counts_are_written_short(long value, string written)
    {
        Assert.Equal(written, IncidentChart.Compact(value));
    }

    [Fact]
    public void The_window_is_thirty_days_of_the_zone_up_to_the_period_end()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var eight = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime();
        var midnight = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.FromHours(8));

        var (from, to, offset, first) = IncidentChart.Window(eight, shanghai);
        var (_, _, _, firstAtMidnight) = IncidentChart.Window(midnight, shanghai);

        Assert.Equal(new DateOnly(2026, 10, 27), first);
        Assert.Equal(new DateTimeOffset(2026, 10, 27, 0, 0, 0, TimeSpan.FromHours(8)), from);
        Assert.Equal(eight, to);
        Assert.Equal(TimeSpan.FromHours(8), offset);
        Assert.Equal(new DateOnly(2026, 10, 26), firstAtMidnight); // a period ending at midnight closes the day before
    }

    [Fact]
    public async Task Rendering_for_a_period_asks_for_the_window_in_the_zone_and_the_scope_given()
    {
        var browser = new FakeBrowser([new DayCount(new DateOnly(2026, 11, 25), "ads", 2)]);
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var end = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.FromHours(8));

        var png = await IncidentChart.RenderAsync(browser, end, shanghai, ["123456"], CancellationToken.None);

        var asked = Assert.Single(browser.Asked);
        Assert.Equal(new DateTimeOffset(2026, 10, 27, 0, 0, 0, TimeSpan.FromHours(8)), asked.From);
        Assert.Equal(end, asked.To);
        Assert.Equal(TimeSpan.FromHours(8), asked.Offset);
        Assert.Equal(["123456"], asked.Scope!);
        Assert.Equal(IncidentChart.Render(browser.PerDay, new DateOnly(2026, 10, 27)), png);
        Assert.True(PngImage.Decode(png).CountInColumn(Middle(29), ColourOf("ads", On(0, "ads", 1))) > 0); // the last day's bar
    }

    private sealed class FakeBrowser(IReadOnlyList<DayCount> perDay) : IIncidentBrowser
    {
        public IReadOnlyList<DayCount> PerDay => perDay;

        public List<(DateTimeOffset From, DateTimeOffset To, TimeSpan Offset, IReadOnlyCollection<string>? Scope)> Asked { get; } = [];

        public Task<IReadOnlyList<Incident>> BrowseAsync(IncidentFilter filter, long? beforeId, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IncidentOverview> OverviewAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan utcOffset, IReadOnlyCollection<string>? scope, int top, CancellationToken cancellationToken)
        {
            Asked.Add((from, to, utcOffset, scope));
            return Task.FromResult(new IncidentOverview(perDay, [], [], [], perDay.Sum(d => d.Count), perDay.Sum(d => d.Count), 0, 0));
        }
    }
}
