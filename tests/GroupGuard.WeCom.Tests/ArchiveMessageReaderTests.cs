using GroupGuard.Core;
using GroupGuard.WeCom.Archive;

namespace GroupGuard.WeCom.Tests;

/// <summary>Decrypted archive records (Samples/archive) as the moderation pipeline will see them.</summary>
public sealed class ArchiveMessageReaderTests
{
    private const string Corp = "ww1234567890abcdef";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_764_662_460_000);

    private static ArchiveRecord Sample(string name, long seq = 7) =>
        ArchiveMessageReader.Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "archive", name + ".json")), Corp, seq, Now);

    [Fact]
    public void A_group_text_becomes_a_wecom_message_of_its_room_sender_id_and_time_with_its_cursor()
    {
        var record = Sample("text", seq: 196);

        Assert.Equal(ArchiveRecordKind.GroupMessage, record.Kind);
        var message = record.Message!;
        Assert.Equal(("wecom", Protocol.WeComArchive, Corp), (message.Platform, message.Protocol, message.BotId));
        Assert.Equal(("wrjc7bDwAASxc8tZvBErFE02BtPWyAAA", "XuJinSheng", "CAQQluDa4QUY0On2rYSAgAMgzPrShAE="), (message.GroupId, message.UserId, message.MessageId));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_764_662_400_123), message.Time);
        Assert.Equal("新店开业全场五折，加微信 shop888 领券", message.Text);
        Assert.Equal(new SourceCursor("wecom:" + Corp, 196), message.Cursor);
    }

    [Fact]
    public void Markdown_is_read_as_its_text()
    {
        var message = Sample("markdown").Message!;

        Assert.Contains("日结300", message.Text, StringComparison.Ordinal);
        Assert.Equal("wmErxtDgAA9AW32YyyuYRimKr7D1KWlw", message.UserId);
    }

    [Fact]
    public void Link_and_mini_program_cards_carry_their_title_description_and_link_to_the_rules()
    {
        var link = Sample("link").Message!;
        var weapp = Sample("weapp").Message!;

        Assert.Equal([new CardContent("link", "免费领取iPhone", "仅限今天，点击领取", "https://promo.example.xyz/iphone")], link.Cards);
        Assert.Contains("https://promo.example.xyz/iphone", link.ScanText, StringComparison.Ordinal);
        Assert.Equal([new CardContent("weapp", "砍一刀领现金", "邀请好友助力", null)], weapp.Cards);
        Assert.Contains("拼拼乐", weapp.ScanText, StringComparison.Ordinal);
    }

    /// <summary>
    /// Message types whose content a member writes (or shares) and WeCom keeps under a field of its
    /// own: each gives its text to the rules. They were read as empty, so nothing in them was moderated.
    /// </summary>
    [Theory]
    [InlineData("todo", "今晚八点前转账\n加微信 pay6688 领返利")]
    [InlineData("vote", "周末去哪里\n公园\n博彩官网 bet.example.xyz 首充送100")]
    [InlineData("collect", "免费领取物业补贴\n姓名\n身份证号和银行卡密码")]
    [InlineData("redpacket", "加微信 hb8888 拉你进红包群")]
    [InlineData("external_redpacket", "扫码下载 APP 领 888 元")]
    [InlineData("calendar", "投资理财分享会\n线上，加QQ群 123456789\n稳赚不赔，带上本金")]
    [InlineData("meeting", "贷款秒批说明会\n会议室 A\n无抵押当天放款，联系13800138000")]
    [InlineData("qydiskfile", "最新赌场内部资料.zip")]
    public void Todos_votes_forms_red_packets_events_meetings_and_disk_files_give_their_text(string sample, string text)
    {
        var record = Sample(sample);

        Assert.Equal(ArchiveRecordKind.GroupMessage, record.Kind);
        Assert.Equal(text, record.Message!.Text);
        Assert.Equal("wrroom5", record.Message.GroupId);
    }

    [Fact]
    public void An_online_document_and_a_channels_post_are_cards_with_their_title_link_and_description()
    {
        var doc = Sample("docmsg").Message!;
        var feed = Sample("sphfeed").Message!;

        Assert.Equal([new CardContent("docmsg", "兼职刷单日结300，详情见表", null, "https://doc.weixin.qq.com/sheet/e3_shuadan")], doc.Cards);
        Assert.Contains("https://doc.weixin.qq.com/sheet/e3_shuadan", doc.ScanText, StringComparison.Ordinal);
        Assert.Equal([new CardContent("sphfeed", "暴富课堂", "三天回本，私信领内部彩票群", null)], feed.Cards);
        Assert.Contains("私信领内部彩票群", feed.ScanText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vote_with_thousands_of_options_is_read_to_the_item_limit()
    {
        var options = string.Join(',', Enumerable.Range(0, 5000).Select(i => $"\"{i}\""));
        var plaintext = $$$"""{"msgid":"a","action":"send","from":"b","roomid":"r","msgtime":{{{Now.ToUnixTimeMilliseconds()}}},"msgtype":"vote","vote":{"votetitle":"t","voteitem":[{{{options}}},{"x":1}]}}""";

        var read = ArchiveMessageReader.Read(plaintext, Corp, 1, Now);

        Assert.Equal(ArchiveRecordKind.GroupMessage, read.Kind);
        Assert.Equal(1 + ArchiveMessageReader.MaxItems, read.Message!.Text.Split('\n').Length);
    }

    [Fact]
    public void A_mixed_message_gives_its_texts_in_order_and_its_pictures_and_skips_a_broken_item()
    {
        var message = Sample("mixed").Message!;

        Assert.Equal("看图，扫码进群\n名额有限", message.Text);
        var picture = Assert.Single(message.Images);
        Assert.Equal("CtYBMzA2OTAyMDEwMjA0NjIzMDYwMDIwMTAwMDIw", picture.File);
        Assert.Null(picture.Url);
    }

    [Fact]
    public void A_picture_is_an_image_reference_by_its_sdk_file_id()
    {
        var message = Sample("image").Message!;

        Assert.Equal("", message.Text);
        Assert.Equal("CtYBMzA2OTAyMDEwMjA0NjIzMDYwMDIwMTAwMDIwNAq", Assert.Single(message.Images).File);
    }

    [Fact]
    public void A_chat_record_is_a_forwarded_bundle_carried_inline_with_each_inner_message()
    {
        var message = Sample("chatrecord").Message!;

        var bundle = Assert.Single(message.Forwards);
        Assert.NotNull(bundle.Messages);
        Assert.Equal(3, bundle.Messages.Count);
        Assert.Equal("专业办理贷款，无抵押当天放款，联系13800138000", bundle.Messages[1].Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_662_010), bundle.Messages[1].Time);
        Assert.Contains("https://bet.example.xyz", bundle.Messages[2].ScanText, StringComparison.Ordinal);
    }

    /// <summary>
    /// A picture inside a chat record (a QR-code advert hidden there) is kept with its inner message,
    /// by its SDK file id, to be read as the outer message's. It was read and then dropped.
    /// </summary>
    [Fact]
    public void A_picture_inside_a_chat_record_is_kept_with_its_inner_message()
    {
        var message = Sample("chatrecord-image").Message!;

        Assert.Empty(message.Images);
        var inner = Assert.Single(message.Forwards).Messages!;
        Assert.Equal(3, inner.Count);
        Assert.Empty(inner[0].Images);
        Assert.Equal(new ImageRef("CtYBMzA2OTAyMDEwMjA0NjIzMDYwMDIwMTAwMDIwNQr", null, "[图片]"), Assert.Single(inner[1].Images));
        Assert.Equal("看图", inner[2].Text);
        Assert.Equal("CtYBMzA2OTAyMDEwMjA0NjIzMDYwMDIwMTAwMDIwNgs", Assert.Single(inner[2].Images).File);
    }

    [Theory]
    [InlineData("private")]
    [InlineData("switch")]
    [InlineData("revoke")]
    public void One_to_one_chats_switches_and_recalls_are_not_group_messages(string sample)
    {
        var record = Sample(sample);

        Assert.Equal(ArchiveRecordKind.NotGroup, record.Kind);
        Assert.Null(record.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"msgid\":\"a\",\"action\":\"send\",\"from\":\"b\",\"roomid\":\"r\",\"msgtype\":\"text\",\"text\":{\"content\":\"x\"}}")]
    [InlineData("{\"msgid\":\"a\",\"action\":\"send\",\"from\":\"b\",\"roomid\":\"r\",\"msgtime\":\"soon\",\"msgtype\":\"text\"}")]
    public void Broken_plaintext_is_unreadable_and_says_why_without_throwing(string plaintext)
    {
        var record = ArchiveMessageReader.Read(plaintext, Corp, 9, Now);

        Assert.Equal(ArchiveRecordKind.Unreadable, record.Kind);
        Assert.StartsWith("record 9:", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_older_than_a_week_is_skipped_as_unreadable_rather_than_moderated_late()
    {
        var old = Now.AddDays(-8).ToUnixTimeMilliseconds();
        var plaintext = $$$"""{"msgid":"old","action":"send","from":"b","roomid":"r","msgtime":{{{old}}},"msgtype":"text","text":{"content":"加微信"}}""";

        var record = ArchiveMessageReader.Read(plaintext, Corp, 3, Now);

        Assert.Equal(ArchiveRecordKind.Unreadable, record.Kind);
        Assert.Contains("msgtime", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Bounds_hold_on_hostile_records()
    {
        var huge = new string('广', 70_000);
        var tooLong = $$$"""{"msgid":"a","action":"send","from":"b","roomid":"r","msgtime":{{{Now.ToUnixTimeMilliseconds()}}},"msgtype":"text","text":{"content":"{{{huge}}}"}}""";
        var longId = $$$"""{"msgid":"{{{new string('a', 65)}}}","action":"send","from":"b","roomid":"r","msgtime":{{{Now.ToUnixTimeMilliseconds()}}},"msgtype":"text","text":{"content":"x"}}""";
        var deep = new string('[', 100) + new string(']', 100);
        var items = string.Join(',', Enumerable.Range(0, 5000).Select(i => $$$"""{"type":"text","content":"{\"content\":\"{{{i}}}\"}"}"""));
        var many = $$$"""{"msgid":"a","action":"send","from":"b","roomid":"r","msgtime":{{{Now.ToUnixTimeMilliseconds()}}},"msgtype":"mixed","mixed":{"item":[{{{items}}}]}}""";

        Assert.Equal(ArchiveRecordKind.Unreadable, ArchiveMessageReader.Read(tooLong, Corp, 1, Now).Kind);
        Assert.Equal(ArchiveRecordKind.Unreadable, ArchiveMessageReader.Read(longId, Corp, 1, Now).Kind);
        Assert.Equal(ArchiveRecordKind.Unreadable, ArchiveMessageReader.Read(deep, Corp, 1, Now).Kind);
        var read = ArchiveMessageReader.Read(many, Corp, 1, Now);
        Assert.Equal(ArchiveRecordKind.GroupMessage, read.Kind);
        Assert.Equal(ArchiveMessageReader.MaxItems - 1, read.Message!.Text.Split('\n').Length);
    }

    [Theory]
    [InlineData("msgid")]
    [InlineData("from")]
    [InlineData("roomid")]
    public void A_record_whose_id_holds_a_control_character_is_unreadable_naming_the_field(string field)
    {
        var fields = new Dictionary<string, string> { ["msgid"] = "a", ["from"] = "b", ["roomid"] = "r" };
        fields[field] = "x\\u0000y";
        var plaintext = $$$"""{"msgid":"{{{fields["msgid"]}}}","action":"send","from":"{{{fields["from"]}}}","roomid":"{{{fields["roomid"]}}}","msgtime":{{{Now.ToUnixTimeMilliseconds()}}},"msgtype":"text","text":{"content":"加微信"}}""";

        var record = ArchiveMessageReader.Read(plaintext, Corp, 5, Now);

        Assert.Equal(ArchiveRecordKind.Unreadable, record.Kind);
        Assert.Null(record.Message);
        Assert.Equal($"record 5: field '{field}' holds a control character, which no id has", record.Detail);
    }

    [Fact]
    public void Cut_and_mangled_samples_never_throw()
    {
        const string Noise = "{}[]\":,0a广";
        var random = new Random(20261202);
        var folder = Path.Combine(AppContext.BaseDirectory, "Samples", "archive");
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            var text = File.ReadAllText(file);
            for (var i = 0; i < 200; i++)
            {
                var chars = text.ToCharArray();
                chars[random.Next(chars.Length)] = Noise[random.Next(Noise.Length)];
                var mangled = new string(chars, 0, random.Next(chars.Length + 1));

                var record = ArchiveMessageReader.Read(mangled, Corp, i, Now);

                Assert.True(record.Kind is ArchiveRecordKind.Unreadable || record.Message is not null || record.Kind is ArchiveRecordKind.NotGroup);
            }
        }
    }
}
