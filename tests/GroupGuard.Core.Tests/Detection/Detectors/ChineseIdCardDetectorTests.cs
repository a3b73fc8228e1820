using GroupGuard.Core.Detection.Detectors;
using Microsoft.Extensions.Time.Testing;
using static GroupGuard.Core.Tests.Detection.Detectors.TestNumbers;

namespace GroupGuard.Core.Tests.Detection.Detectors;

public sealed class ChineseIdCardDetectorTests
{
    private const string Classic = "11010519491231002X";

    private static readonly FakeTimeProvider Today = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static readonly ChineseIdCardDetector Detector = new(Today);

    [Fact]
    public void The_classic_example_is_found_where_it_was_written()
    {
        var match = Single(Detector, "我的身份证是" + Classic + "，别外传");

        Assert.Equal(6, match.Start);
        Assert.Equal(18, match.Length);
        Assert.Equal(Classic, match.Value);
    }

    [Theory]
    [InlineData("11010519491231002x")] // lower-case check character
    [InlineData("110101199003071233")] // check digit, not X
    [InlineData("440304200002290014")] // 29 February of a leap year
    [InlineData("ID:11010519491231002X.")]
    public void Valid_numbers_are_found(string text)
    {
        Assert.Single(Find(Detector, text));
    }

    [Fact]
    public void A_wrong_check_character_is_not_an_id()
    {
        Assert.Empty(Find(Detector, "110105194912310021"));
        Assert.Empty(Find(Detector, BreakLastDigit("110101199003071233")));
    }

    [Theory]
    [InlineData("11010519900230001")] // 30 February
    [InlineData("11010519990229001")] // 29 February, not a leap year
    [InlineData("11010519901301001")] // month 13
    [InlineData("11010519900100001")] // day 0
    [InlineData("11010518991231001")] // before 1900
    public void An_impossible_birth_date_is_not_an_id(string first17)
    {
        Assert.Empty(Find(Detector, Id(first17)));
    }

    [Fact]
    public void A_birth_date_after_today_is_not_an_id_until_that_day_comes()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 23, 0, 0, TimeSpan.Zero));
        var detector = new ChineseIdCardDetector(clock);
        var bornTomorrow = Id("11010520261127001");

        Assert.Single(Find(detector, Id("11010520261126001"))); // born today
        Assert.Empty(Find(detector, bornTomorrow));

        clock.Advance(TimeSpan.FromHours(2));
        Assert.Single(Find(detector, bornTomorrow));
    }

    [Theory]
    [InlineData("99010519491231002")]
    [InlineData("10010519491231002")]
    [InlineData("16010519491231002")]
    [InlineData("72010519491231002")]
    [InlineData("00010519491231002")]
    public void An_unknown_region_is_not_an_id(string first17)
    {
        Assert.Empty(Find(Detector, Id(first17)));
    }

    [Theory]
    [InlineData("71000019900101001")] // Taiwan residents' permit
    [InlineData("81000019900101001")] // Hong Kong
    [InlineData("82000019900101001")] // Macau
    [InlineData("65010219900101001")] // Xinjiang
    [InlineData("50010319900101001")] // Chongqing
    public void Residence_permits_and_every_province_range_are_ids(string first17)
    {
        Assert.Single(Find(Detector, Id(first17)));
    }

    [Theory]
    [InlineData("1" + Classic)]
    [InlineData("1101051949123100215")] // 19 digits
    [InlineData(Classic + "5")]
    [InlineData("订单号2" + "110101199003071233" + "请查收")]
    public void An_id_inside_a_longer_digit_run_is_not_an_id(string text)
    {
        Assert.Empty(Find(Detector, text));
    }

    [Fact]
    public void Full_width_digits_are_read_and_the_span_covers_them()
    {
        var text = "身份证：" + FullWidth(Classic);

        var match = Single(Detector, text);

        Assert.Equal(4, match.Start);
        Assert.Equal(FullWidth(Classic), match.Value);
    }

    [Theory]
    [InlineData("110105 19491231 002X")]
    [InlineData("110105-19491231-002X")]
    [InlineData("110105　19491231　002X")] // ideographic spaces
    [InlineData("110101 19900307 1233")]
    public void The_six_eight_four_grouping_is_an_id(string grouped)
    {
        var match = Single(Detector, "号码 " + grouped + " 收到");

        Assert.Equal(3, match.Start);
        Assert.Equal(grouped, match.Value);
    }

    [Theory]
    [InlineData("110105 19491231-002X")] // mixed separators
    [InlineData("110105  19491231  002X")] // double spaces
    [InlineData("110105 19491231 002X 1234")] // a longer grouping
    [InlineData("12 110105 19491231 002X")]
    [InlineData("1101 0519 4912 3100 2X")] // grouped as a card
    [InlineData("110105 19491231 002Y")]
    public void Other_groupings_are_not_ids(string text)
    {
        Assert.Empty(Find(Detector, text));
    }

    [Fact]
    public void Several_ids_are_found_in_text_order()
    {
        var matches = Find(Detector, "甲 110101199003071233 乙 11010519491231002X");

        Assert.Equal(["110101199003071233", Classic], matches.Select(m => m.Value));
        Assert.Equal([2, 23], matches.Select(m => m.Start));
    }
}
