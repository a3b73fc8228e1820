using GroupGuard.Core;
using GroupGuard.OneBot.Parsing;
using GroupGuard.OneBot.V11;

namespace GroupGuard.OneBot.Tests.V11;

public sealed class CqCodeTests
{
    private static MessageAccumulator Parse(string cq)
    {
        var message = new MessageAccumulator();
        CqCode.Parse(cq, message);
        return message;
    }

    [Fact]
    public void Text_escapes_are_undone()
    {
        Assert.Equal("A&B [x] y", Parse("A&amp;B &#91;x&#93; y").Text);
    }

    [Fact]
    public void A_comma_escape_in_text_is_left_alone_because_text_never_escapes_commas()
    {
        Assert.Equal("1&#44;2", Parse("1&#44;2").Text);
    }

    [Fact]
    public void Escapes_are_undone_once_so_an_escaped_escape_survives()
    {
        Assert.Equal("&#91; and &amp;", Parse("&amp;#91; and &amp;amp;").Text);
    }

    [Fact]
    public void Numeric_character_references_stay_text_so_no_lone_surrogate_can_be_made()
    {
        var message = Parse("&#55296;[CQ:share,url=u,title=&#xD800;]&#xDC00;");

        Assert.Equal("&#55296;&#xDC00;", message.Text);
        Assert.Equal("&#xD800;", Assert.Single(message.Cards).Title);
    }

    [Fact]
    public void A_lone_ampersand_stays()
    {
        Assert.Equal("R&D & co;", Parse("R&D & co;").Text);
    }

    [Fact]
    public void Parameter_values_unescape_commas_brackets_and_ampersands()
    {
        var message = Parse("[CQ:share,url=https://a.example/?x=1&amp;y=2,title=Hi&#44; &#91;ad&#93;,content=c]");

        var card = Assert.Single(message.Cards);
        Assert.Equal(new CardContent("share", "Hi, [ad]", "c", "https://a.example/?x=1&y=2"), card);
    }

    [Fact]
    public void Text_around_codes_keeps_its_order_and_codes_add_no_text()
    {
        var message = Parse("before [CQ:at,qq=10001] middle [CQ:face,id=178]after");

        Assert.Equal("before  middle after", message.Text);
        Assert.Equal(["10001"], message.Mentions);
    }

    [Fact]
    public void At_all_is_not_a_user_mention()
    {
        var message = Parse("[CQ:at,qq=all] 开会");

        Assert.True(message.MentionsAll);
        Assert.Empty(message.Mentions);
        Assert.Equal(" 开会", message.Text);
    }

    [Fact]
    public void The_same_user_mentioned_twice_is_listed_once()
    {
        Assert.Equal(["10001", "10002"], Parse("[CQ:at,qq=10001][CQ:at,qq=10002,name=@b][CQ:at,qq=10001]").Mentions);
    }

    [Fact]
    public void Reply_takes_the_first_reply_only()
    {
        Assert.Equal("42", Parse("[CQ:reply,id=42][CQ:reply,id=43]hi").ReplyTo);
    }

    [Fact]
    public void Image_keeps_file_url_and_summary()
    {
        var message = Parse("[CQ:image,file=abc.jpg,sub_type=0,url=https://img.example/d?a=1&amp;b=2,summary=&#91;动画表情&#93;]");

        Assert.Equal(new ImageRef("abc.jpg", "https://img.example/d?a=1&b=2", "[动画表情]"), Assert.Single(message.Images));
    }

    [Fact]
    public void Json_card_is_read_from_its_escaped_data()
    {
        var message = Parse("[CQ:json,data={\"app\":\"com.tencent.structmsg\"&#44;\"prompt\":\"&#91;分享&#93;好物\"&#44;\"meta\":{\"news\":{\"title\":\"好物推荐\"&#44;\"desc\":\"点击领取\"&#44;\"jumpUrl\":\"https://x.example/?a=1&amp;b=2\"}}}]");

        Assert.Equal(new CardContent("json", "好物推荐", "点击领取", "https://x.example/?a=1&b=2"), Assert.Single(message.Cards));
    }

    [Fact]
    public void Xml_card_is_read_from_its_escaped_data()
    {
        var message = Parse("[CQ:xml,data=<?xml version='1.0' encoding='UTF-8' ?><msg serviceID=\"1\" brief=\"&#91;分享&#93;\" url=\"https://y.example/\"><item><title>标题</title><summary>摘要</summary></item></msg>]");

        Assert.Equal(new CardContent("xml", "标题", "摘要", "https://y.example/"), Assert.Single(message.Cards));
    }

    [Theory]
    [InlineData("[CQ:face,id=178]")]
    [InlineData("[CQ:mface,emoji_package_id=235125,emoji_id=7d13c,key=a1b2,summary=&#91;开心&#93;]")]
    [InlineData("[CQ:forward,id=7388402612545124516]")]
    [InlineData("[CQ:record,file=a.amr,url=https://r.example/a]")]
    [InlineData("[CQ:video,file=v.mp4,url=https://v.example/v]")]
    [InlineData("[CQ:poke,type=1,id=-1]")]
    [InlineData("[CQ:dice,result=4]")]
    [InlineData("[CQ:rps,result=2]")]
    [InlineData("[CQ:contact,type=group,id=123456]")]
    [InlineData("[CQ:location,lat=39.9,lon=116.3,title=天安门]")]
    [InlineData("[CQ:music,type=qq,id=123]")]
    [InlineData("[CQ:node,id=1]")]
    [InlineData("[CQ:some_future_type,x=1]")]
    public void Segments_without_text_add_nothing_and_do_not_fail(string code)
    {
        var message = Parse("a" + code + "b");

        Assert.Equal("ab", message.Text);
        Assert.Empty(message.Mentions);
        Assert.Empty(message.Images);
        Assert.Empty(message.Cards);
        Assert.Null(message.ReplyTo);
    }

    [Fact]
    public void A_markdown_code_is_read_for_its_content()
    {
        var message = Parse("a[CQ:markdown,content=# 兼职&#44;日结 &#91;详情&#93;(https://x.example/?a=1&amp;b=2)]b");

        Assert.Equal("a# 兼职,日结 [详情](https://x.example/?a=1&b=2)b", message.Text);
        Assert.Empty(message.Cards);
    }

    [Fact]
    public void A_file_code_is_a_card_of_the_files_name()
    {
        var message = Parse("a[CQ:file,file=报价单.xlsx,file_id=/abc,file_size=1024]b");

        Assert.Equal("ab", message.Text);
        Assert.Equal(new CardContent("file", "报价单.xlsx", null, null), Assert.Single(message.Cards));
    }

    [Fact]
    public void A_custom_music_card_is_a_card()
    {
        var message = Parse("[CQ:music,type=custom,url=https://m.example/,audio=https://m.example/a.mp3,title=免费听歌,content=点我]");

        Assert.Equal(new CardContent("music", "免费听歌", "点我", "https://m.example/"), Assert.Single(message.Cards));
    }

    [Fact]
    public void Numeric_at_and_empty_parameters_are_read()
    {
        var message = Parse("[CQ:at,qq=123456789012,name=]");

        Assert.Equal(["123456789012"], message.Mentions);
    }

    [Theory]
    [InlineData("[CQ:")]
    [InlineData("[CQ:at")]
    [InlineData("[CQ:at,qq=1")]
    [InlineData("[CQ:at,qq]")]
    [InlineData("[CQ:at,=1]")]
    [InlineData("[CQ:,qq=1]")]
    [InlineData("[CQ:]")]
    [InlineData("[CQ:at,qq=1,]")]
    [InlineData("[CQ:at qq=1]")]
    [InlineData("[CQ:a t,qq=1]")]
    [InlineData("[cq:at,qq=1]")]
    [InlineData("]]][[[&&&#;")]
    [InlineData("[CQ:at,qq=1&#")]
    public void Garbled_codes_are_kept_as_text(string garbled)
    {
        var message = Parse("x" + garbled + "y");

        Assert.Equal("x" + garbled + "y", message.Text);
        Assert.Empty(message.Mentions);
    }

    [Fact]
    public void A_good_code_after_a_garbled_one_is_still_read()
    {
        var message = Parse("[CQ:at,qq=[CQ:at,qq=2]");

        Assert.Equal("[CQ:at,qq=", message.Text);
        Assert.Equal(["2"], message.Mentions);
    }

    [Fact]
    public void Nested_brackets_do_not_throw()
    {
        var message = Parse("[[CQ:at,qq=3]]");

        Assert.Equal("[]", message.Text);
        Assert.Equal(["3"], message.Mentions);
    }

    [Theory]
    [InlineData("请勿发广告")]
    [InlineData("[CQ:at,qq=all] 全体注意")]
    [InlineData("A&amp;B, &#91;x&#93;")]
    [InlineData("]]][[[&&&")]
    public void Escaped_text_reads_back_as_exactly_that_text_and_never_as_a_code(string text)
    {
        var message = Parse("[CQ:at,qq=1001] " + CqCode.Escape(text, inParameter: false));

        Assert.Equal(" " + text, message.Text);
        Assert.Equal(["1001"], message.Mentions);
    }

    [Fact]
    public void Escaping_a_parameter_also_escapes_commas()
    {
        Assert.Equal("a&#44;b&amp;&#91;&#93;", CqCode.Escape("a,b&[]", inParameter: true));
        Assert.Equal("a,b", CqCode.Escape("a,b", inParameter: false));
    }
}
