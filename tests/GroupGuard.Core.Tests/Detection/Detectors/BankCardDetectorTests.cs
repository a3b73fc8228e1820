using GroupGuard.Core.Detection.Detectors;
using static GroupGuard.Core.Tests.Detection.Detectors.TestNumbers;

namespace GroupGuard.Core.Tests.Detection.Detectors;

public sealed class BankCardDetectorTests
{
    private const string UnionPay19 = "6222020200012345670";

    private static readonly BankCardDetector Detector = new();

    [Fact]
    public void A_card_number_in_chat_is_found_where_it_was_written()
    {
        var match = Single(Detector, "打款到卡号" + UnionPay19 + "，户名张三");

        Assert.Equal(5, match.Start);
        Assert.Equal(19, match.Length);
        Assert.Equal(UnionPay19, match.Value);
    }

    [Theory]
    [InlineData("4111111111111111")] // Visa test number
    [InlineData("5500005555555559")] // Mastercard test number
    [InlineData("378282246310005")] // Amex test number, 15 digits
    [InlineData("4222222222222")] // 13 digits
    public void Luhn_valid_numbers_of_13_to_19_digits_are_cards(string number)
    {
        Assert.Equal(number, Single(Detector, number).Value);
    }

    [Theory]
    [InlineData("4111111111111112")]
    [InlineData("6222020200012345671")]
    public void A_failing_luhn_check_is_not_a_card(string number)
    {
        Assert.False(LuhnValid(number));
        Assert.Empty(Find(Detector, number));
    }

    [Fact]
    public void Numbers_shorter_than_13_or_inside_a_longer_run_are_not_cards()
    {
        Assert.Empty(Find(Detector, Card("41111111111"))); // 12 digits
        Assert.Empty(Find(Detector, "9" + UnionPay19)); // 20 digits
        Assert.Empty(Find(Detector, Card("4111111111111111111"))); // 20 digits, Luhn-valid
    }

    [Theory]
    [InlineData("6222 0202 0001 2345 670")]
    [InlineData("6222-0202-0001-2345-670")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4222 2222 2222 2")]
    public void Groups_of_four_are_a_card(string written)
    {
        var match = Single(Detector, "卡号：" + written + "。");

        Assert.Equal(3, match.Start);
        Assert.Equal(written, match.Value);
    }

    [Theory]
    [InlineData("4111 1111 1111")] // 12 digits
    [InlineData("4111 1111 1111 1111 1111")] // 20 digits
    [InlineData("4111 1111 1111-1111")] // mixed separators
    [InlineData("4111  1111  1111  1111")] // double spaces
    [InlineData("6222 0202 0001 2345 670 2026")] // the short group is not the last
    [InlineData("12 4111 1111 1111 1111")]
    [InlineData("41111 1111 1111 111")]
    public void Other_groupings_are_not_cards(string text)
    {
        Assert.Empty(Find(Detector, text));
    }

    [Fact]
    public void Full_width_digits_are_read_and_the_span_covers_them()
    {
        var written = FullWidth("6222 0202 0001 2345 670");

        var match = Single(Detector, "卡" + written);

        Assert.Equal(1, match.Start);
        Assert.Equal(written, match.Value);
    }

    [Fact]
    public void One_random_long_number_in_ten_passes_luhn_and_is_reported()
    {
        // The price of Luhn-only: any 16-digit number has a one-in-ten chance, unless a label says
        // what it is (单号: an order number).
        static int Flagged(string before) => Enumerable.Range(0, 1000)
            .Count(n => Find(Detector, before + "9876543210" + n.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).Count == 1);

        Assert.Equal(100, Flagged("发你"));
        Assert.Equal(0, Flagged("单号"));
    }

    [Fact]
    public void The_stricter_option_also_asks_for_a_known_card_network()
    {
        var strict = new BankCardDetector(requireKnownIssuer: true);
        var unknownNetwork = Card("987654321012345");

        Assert.Single(Find(Detector, unknownNetwork));
        Assert.Empty(Find(strict, unknownNetwork));
        Assert.Single(Find(strict, UnionPay19));
        Assert.Single(Find(strict, "4111111111111111"));
        Assert.Single(Find(strict, Card("222100000000000")));
        Assert.Single(Find(strict, "378282246310005"));
    }
}
