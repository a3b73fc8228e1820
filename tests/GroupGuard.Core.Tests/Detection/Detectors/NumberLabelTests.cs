using GroupGuard.Core.Detection.Detectors;
using static GroupGuard.Core.Tests.Detection.Detectors.TestNumbers;

namespace GroupGuard.Core.Tests.Detection.Detectors;

/// <summary>A number after an order, tracking or account label is that, not a phone, ID or card number.</summary>
public sealed class NumberLabelTests
{
    private static readonly ChineseMobileDetector Mobile = new();
    private static readonly BankCardDetector Card = new();
    private static readonly ChineseIdCardDetector IdCard = new(TimeProvider.System);

    private static readonly string CardNumber = TestNumbers.Card("622202020001234567");
    private static readonly string IdNumber = Id("11010119900307123");

    [Theory]
    [InlineData("订单号：19513967161")] // the words
    [InlineData("订单号:19513967161")]
    [InlineData("订单号 19513967161")]
    [InlineData("订单号是19513967161")]
    [InlineData("订单号为：19513967161")]
    [InlineData("訂單號：19513967161")] // traditional
    [InlineData("快递单号：SF13800138000")] // letters glued to the number
    [InlineData("交易流水号 13800138000")]
    [InlineData("Order No. 13800138000")]
    [InlineData("tracking number: 13800138000")]
    [InlineData("账号：13912345678")] // an account is no phone
    [InlineData("学号 13912345678")]
    public void A_number_after_an_order_tracking_or_account_label_is_no_phone(string text)
    {
        Assert.Empty(Find(Mobile, text));
    }

    [Theory]
    [InlineData("我的电话：13800138000")] // the words
    [InlineData("微信账号：13800138000")] // a contact that ends like a label
    [InlineData("微信号：13800138000")]
    [InlineData("QQ号 13800138000")]
    [InlineData("下订单请打13800138000")] // the label must come right before the number
    [InlineData("border 13800138000")] // a Latin label must start a word
    public void A_number_after_any_other_words_is_still_a_phone(string text)
    {
        Assert.Equal("13800138000", Single(Mobile, text).Value);
    }

    [Fact]
    public void Only_the_number_right_after_the_label_is_passed_over()
    {
        var match = Single(Mobile, "订单号：19513967161，电话13800138000");

        Assert.Equal("13800138000", match.Value);
    }

    [Fact]
    public void A_reference_label_is_no_card_or_id_number_but_an_account_label_may_be()
    {
        Assert.Empty(Find(Card, "交易流水号：" + CardNumber));
        Assert.Empty(Find(IdCard, "订单编号：" + IdNumber));

        // A bank's 账号 is a card number, and schools use ID numbers as 学号.
        Assert.Equal(CardNumber, Single(Card, "卡号：" + CardNumber).Value);
        Assert.Equal(CardNumber, Single(Card, "账号：" + CardNumber).Value);
        Assert.Equal(IdNumber, Single(IdCard, "学号：" + IdNumber).Value);
        Assert.Equal(IdNumber, Single(IdCard, "身份证编号：" + IdNumber).Value);
    }
}
