using GroupGuard.Core;
using GroupGuard.OneBot.Parsing;

namespace GroupGuard.OneBot.Tests;

public sealed class CardReaderTests
{
    [Fact]
    public void A_link_share_ark_gives_title_description_and_jump_url()
    {
        const string ark = """
            {"app":"com.tencent.structmsg","config":{"ctime":1760356011,"forward":true,"token":"abc","type":"normal"},
             "desc":"新闻","extra":{"app_type":1,"appid":100446242,"uin":2197745033},
             "meta":{"news":{"action":"","android_pkg_name":"","app_type":1,"appid":100446242,"ctime":1760356011,
               "desc":"内部渠道，稳赚不赔","jumpUrl":"https://t.example/s/8Kd2?from=qq","preview":"https://p.example/1.jpg",
               "source_icon":"","source_url":"","tag":"QQ浏览器","title":"炒股群免费进","uin":2197745033}},
             "prompt":"[分享]炒股群免费进","ver":"0.0.0.1","view":"news"}
            """;

        Assert.Equal(
            new CardContent("json", "炒股群免费进", "内部渠道，稳赚不赔", "https://t.example/s/8Kd2?from=qq"),
            CardReader.FromArkJson("json", ark));
    }

    [Fact]
    public void A_mini_program_prefers_its_doc_url_to_its_internal_url()
    {
        const string ark = """{"meta":{"detail_1":{"title":"哔哩哔哩","desc":"视频","qqdocurl":"https://b23.tv/x","url":"m.q.qq.com/a/s/1"}}}""";

        Assert.Equal("https://b23.tv/x", CardReader.FromArkJson("json", ark).Url);
    }

    [Fact]
    public void The_prompt_is_the_title_when_the_card_has_none()
    {
        const string ark = """{"app":"com.tencent.multimsg","prompt":"[聊天记录]","meta":{"detail":{"news":[{"text":"a: 加我"}]}}}""";

        Assert.Equal(new CardContent("json", "[聊天记录]", null, null), CardReader.FromArkJson("json", ark));
    }

    [Fact]
    public void The_prompt_is_kept_as_description_when_it_says_more_than_the_title()
    {
        const string ark = """{"prompt":"[QQ小程序]加群领红包","meta":{"detail_1":{"title":"某小程序","url":"m.q.qq.com/a/s/1"}}}""";

        Assert.Equal(new CardContent("json", "某小程序", "[QQ小程序]加群领红包", "m.q.qq.com/a/s/1"), CardReader.FromArkJson("json", ark));
    }

    [Fact]
    public void A_contact_card_is_titled_with_the_nickname()
    {
        const string ark = """{"app":"com.tencent.contact.lua","prompt":"推荐群聊：兼职日结群","meta":{"contact":{"nickname":"兼职日结群","contact":"群号：123456","jumpUrl":"https://qm.qq.com/q/abc","tag":"推荐群聊"}}}""";

        Assert.Equal(new CardContent("json", "兼职日结群", "推荐群聊：兼职日结群", "https://qm.qq.com/q/abc"), CardReader.FromArkJson("json", ark));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"meta\":\"not an object\",\"prompt\":42}")]
    public void A_card_that_cannot_be_read_is_still_a_card(string? data)
    {
        Assert.Equal(new CardContent("json", null, null, null), CardReader.FromArkJson("json", data));
    }

    [Fact]
    public void Half_an_emoji_in_a_card_is_read_as_a_replacement_character_and_the_rest_of_the_card_kept()
    {
        const string ark = """{"meta":{"news":{"title":"兼职日结群\ud800","desc":"\udc00推荐群聊","jumpUrl":"https://qm.qq.com/q/abc"}}}""";

        Assert.Equal(new CardContent("json", "兼职日结群\uFFFD", "\uFFFD推荐群聊", "https://qm.qq.com/q/abc"), CardReader.FromArkJson("json", ark));
    }

    [Fact]
    public void A_struct_xml_card_gives_title_summary_and_url()
    {
        const string xml = """
            <?xml version='1.0' encoding='UTF-8' standalone='yes' ?><msg serviceID="1" templateID="1" action="web" brief="[分享] 免费领取" sourceMsgId="0" url="https://z.example/?a=1&amp;b=2" flag="0" adverSign="0" multiMsgFlag="0"><item layout="2"><picture cover="https://z.example/c.jpg" w="0" h="0" /><title>免费领取会员</title><summary>点击即可</summary></item><source name="" icon="" action="" appid="-1" /></msg>
            """;

        Assert.Equal(new CardContent("xml", "免费领取会员", "点击即可", "https://z.example/?a=1&b=2"), CardReader.FromStructXml("xml", xml));
    }

    [Fact]
    public void A_struct_xml_card_without_title_uses_its_brief()
    {
        const string xml = """<msg brief="[聊天记录]" url=""><item><summary>查看转发消息</summary></item></msg>""";

        Assert.Equal(new CardContent("xml", "[聊天记录]", "查看转发消息", null), CardReader.FromStructXml("xml", xml));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("<msg><item><title>unclosed")]
    [InlineData("not xml at all")]
    [InlineData("<msg url=\"&#xD800;\"><item><summary>&#55296;</summary></item></msg>")] // a lone surrogate
    public void A_broken_xml_card_is_still_a_card(string? xml)
    {
        var card = CardReader.FromStructXml("xml", xml);

        Assert.Equal("xml", card.Kind);
        Assert.Null(card.Description);
        Assert.Null(card.Url);
    }

    [Fact]
    public void Xml_entities_from_a_dtd_are_never_expanded()
    {
        const string xml = """<?xml version="1.0"?><!DOCTYPE msg [<!ENTITY x SYSTEM "file:///etc/passwd">]><msg brief="b"><item><title>&x;</title></item></msg>""";

        var card = CardReader.FromStructXml("xml", xml);

        Assert.Equal(new CardContent("xml", null, null, null), card);
    }
}
