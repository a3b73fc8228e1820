using GroupGuard.Core.Detection.Detectors;
using static GroupGuard.Core.Tests.Detection.Detectors.TestNumbers;

namespace GroupGuard.Core.Tests.Detection.Detectors;

public sealed class ChineseMobileDetectorTests
{
    private static readonly ChineseMobileDetector Detector = new();

    [Fact]
    public void A_mobile_number_in_chat_is_found_where_it_was_written()
    {
        var match = Single(Detector, "有意者联系13800138000，非诚勿扰");

        Assert.Equal(5, match.Start);
        Assert.Equal(11, match.Length);
        Assert.Equal("13800138000", match.Value);
    }

    [Theory]
    [InlineData("13912345678")]
    [InlineData("15012345678")]
    [InlineData("17712345678")]
    [InlineData("19912345678")]
    public void Every_mobile_prefix_from_13_to_19_is_found(string number)
    {
        Assert.Equal(number, Single(Detector, "电话" + number).Value);
    }

    [Theory]
    [InlineData("+8613800138000")]
    [InlineData("+86 13800138000")]
    [InlineData("+86-13800138000")]
    [InlineData("8613800138000")]
    [InlineData("86 13800138000")]
    [InlineData("008613800138000")]
    [InlineData("0086 138 0013 8000")]
    [InlineData("+86 138 0013 8000")]
    [InlineData("+86-138-0013-8000")]
    public void A_country_code_in_front_is_part_of_the_match(string written)
    {
        var match = Single(Detector, "联系：" + written + "。");

        Assert.Equal(3, match.Start);
        Assert.Equal(written, match.Value);
    }

    [Theory]
    [InlineData("138 0013 8000")]
    [InlineData("138-0013-8000")]
    [InlineData("138　0013　8000")]
    public void The_three_four_four_grouping_is_a_mobile(string written)
    {
        var match = Single(Detector, "call " + written + " now");

        Assert.Equal(5, match.Start);
        Assert.Equal(written, match.Value);
    }

    [Fact]
    public void Full_width_digits_are_read_and_the_span_covers_them()
    {
        var written = FullWidth("+86 13800138000");

        var match = Single(Detector, "加我" + written);

        Assert.Equal(2, match.Start);
        Assert.Equal(written, match.Value);
    }

    [Theory]
    [InlineData("138001380001")] // 12 digits
    [InlineData("1380013800")] // 10 digits
    [InlineData("订单1380013800012345号")]
    [InlineData("12800138000")] // 12x is not a mobile prefix
    [InlineData("10086")]
    [InlineData("138-0013 8000")] // mixed separators
    [InlineData("138 0013 8000 5678")] // part of a longer grouping
    [InlineData("1 138 0013 8000")]
    [InlineData("1380 0138 000")]
    public void Other_digit_runs_are_not_mobiles(string text)
    {
        Assert.Empty(Find(Detector, text));
    }

    [Theory]
    [InlineData("座机010-12345678")]
    [InlineData("0755-8888 6666")]
    [InlineData("(021)62345678")]
    [InlineData("客服热线400-800-8888")]
    [InlineData("01062345678")]
    public void Landlines_are_not_mobiles(string text)
    {
        Assert.Empty(Find(Detector, text));
    }

    [Fact]
    public void A_country_code_without_a_mobile_after_it_leaves_the_number_alone()
    {
        // "86" is just a number here; the mobile after the comma is still found on its own.
        var match = Single(Detector, "考了86，电话13800138000");

        Assert.Equal("13800138000", match.Value);
    }

    [Fact]
    public void Several_mobiles_are_found_in_text_order()
    {
        var matches = Find(Detector, "A:13800138000 B:+86 139 1234 5678");

        Assert.Equal(["13800138000", "+86 139 1234 5678"], matches.Select(m => m.Value));
        Assert.Equal([2, 16], matches.Select(m => m.Start));
    }
}
