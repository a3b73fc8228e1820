using System.Text;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.OneBot.Tests.Support;

namespace GroupGuard.OneBot.Tests.Limits;

public sealed class MessageSizeTests
{
    private static JsonObject Segment(string type, JsonObject data) => new() { ["type"] = type, ["data"] = data };

    private static JsonObject Text(string text) => Segment("text", new JsonObject { ["text"] = text });

    private static WebhookResult ReceiveV11(params JsonObject[] segments)
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node["message"] = new JsonArray(segments);
        return Receivers.Create().ReceiveV11(node.Utf8(), null);
    }

    private static void AssertTooLarge(WebhookResult result, string reason)
    {
        Assert.Equal(413, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Equal(reason, result.Error);
    }

    private static ChatMessage Accepted(WebhookResult result)
    {
        Assert.True(result.StatusCode == 204, $"expected 204, got {result.StatusCode}: {result.Error}");
        return result.Event!.Message!;
    }

    [Fact]
    public void Text_over_65536_characters_is_too_large()
    {
        AssertTooLarge(ReceiveV11(Text(new string('广', 40_000)), Text(new string('告', 25_537))), "message text over 65536 characters");
    }

    [Fact]
    public void Text_of_exactly_65536_characters_is_read_whole()
    {
        Assert.Equal(65_536, Accepted(ReceiveV11(Text(new string('a', 65_536)))).Text.Length);
    }

    [Fact]
    public void Card_text_counts_toward_the_limit()
    {
        var card = Segment("share", new JsonObject { ["url"] = "https://ad.example/", ["title"] = new string('t', 6_000) });

        AssertTooLarge(ReceiveV11(Text(new string('a', 60_000)), card), "message text over 65536 characters");
    }

    [Fact]
    public void A_cq_string_over_65536_characters_of_text_is_too_large()
    {
        var node = Samples.Node("V11/napcat-group-string.json");
        node["message"] = new string('x', 65_000) + "[CQ:at,qq=10001]" + new string('y', 537);

        AssertTooLarge(Receivers.Create().ReceiveV11(node.Utf8(), null), "message text over 65536 characters");
    }

    [Fact]
    public void A_v12_text_over_65536_characters_is_too_large()
    {
        var node = Samples.Node("V12/comwechat-group-mention.json");
        node["message"]!.AsArray().Add(Text(new string('a', 65_536)));

        AssertTooLarge(Receivers.Create().ReceiveV12(node.Utf8(), null), "message text over 65536 characters");
    }

    [Fact]
    public void A_cq_string_of_55_thousand_mentions_is_too_large()
    {
        var cq = new StringBuilder();
        for (var i = 0; i < 55_000; i++)
        {
            cq.Append("[CQ:at,qq=").Append(1_000_000_000L + i).Append(']');
        }

        var node = Samples.Node("V11/napcat-group-string.json");
        node["message"] = cq.ToString();

        AssertTooLarge(Receivers.Create().ReceiveV11(node.Utf8(), null), "message over 10000 segments");
    }

    [Fact]
    public void An_array_of_more_than_10000_segments_is_too_large()
    {
        var faces = Enumerable.Range(0, 10_001).Select(_ => Segment("face", new JsonObject { ["id"] = "178" })).ToArray();

        AssertTooLarge(ReceiveV11(faces), "message over 10000 segments");
    }

    [Fact]
    public void An_array_of_10000_segments_is_read()
    {
        var faces = Enumerable.Range(0, 9_999).Select(_ => Segment("face", new JsonObject { ["id"] = "178" }));

        Assert.Equal("加微信", Accepted(ReceiveV11([.. faces, Text("加微信")])).Text);
    }

    [Fact]
    public void A_v12_array_of_more_than_10000_segments_is_too_large()
    {
        var node = Samples.Node("V12/comwechat-group-mention.json");
        node["message"] = new JsonArray(Enumerable.Range(0, 10_001).Select(_ => (JsonNode)Segment("wx.unknown", [])).ToArray());

        AssertTooLarge(Receivers.Create().ReceiveV12(node.Utf8(), null), "message over 10000 segments");
    }

    [Fact]
    public void The_first_hundred_images_are_kept_and_the_text_after_them_is_read()
    {
        var images = Enumerable.Range(0, 150).Select(i => Segment("image", new JsonObject { ["file"] = $"{i}.jpg" }));

        var message = Accepted(ReceiveV11([.. images, Text("扫码进群")]));

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"{i}.jpg"), message.Images.Select(image => image.File));
        Assert.Equal("扫码进群", message.Text);
    }

    [Fact]
    public void The_first_hundred_cards_are_kept()
    {
        var cards = Enumerable.Range(0, 150).Select(i => Segment("share", new JsonObject { ["url"] = $"https://ad.example/{i}", ["title"] = "领资料" }));

        var message = Accepted(ReceiveV11([.. cards]));

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"https://ad.example/{i}"), message.Cards.Select(card => card.Url));
    }
}
