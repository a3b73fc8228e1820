using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.OneBot.Tests.Support;

namespace GroupGuard.OneBot.Tests.V11;

public sealed class V11MalformedTests
{
    private static WebhookResult Receive(byte[] body) => Receivers.Create().ReceiveV11(body, null);

    private static void AssertBadRequest(WebhookResult result, string reasonPart)
    {
        Assert.Equal(400, result.StatusCode);
        Assert.Null(result.Event);
        Assert.NotNull(result.Error);
        Assert.Contains(reasonPart, result.Error);
        Assert.DoesNotContain("   at ", result.Error); // no stack trace
        Assert.True(result.Error.Length < 300, result.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"post_type\":\"message\",}")]
    [InlineData("{'post_type':'meta_event'}")]
    [InlineData("post_type=meta_event")]
    [InlineData("{\"post_type\":\"meta_event\"} trailing")]
    [InlineData("{\"post_type\":\"meta_event\"}{\"post_type\":\"meta_event\"}")]
    public void Malformed_json_is_a_bad_request(string body)
    {
        AssertBadRequest(Receive(Samples.Utf8(body)), "malformed JSON: ");
    }

    [Theory]
    [InlineData("\"flag\":\"\"", "flag")]
    [InlineData("\"flag\":{\"id\":1}", "flag")]
    [InlineData("\"comment\":\"x\"", "flag")]
    public void A_join_request_without_a_usable_flag_is_a_bad_request(string field, string reasonPart)
    {
        var body = """{"time":1760356100,"self_id":3889012345,"post_type":"request","request_type":"group","sub_type":"add","group_id":736251849,"user_id":2460935187,""" + field + "}";

        AssertBadRequest(Receivers.Create(now: DateTimeOffset.FromUnixTimeSeconds(1760356100)).ReceiveV11(Samples.Utf8(body), null), reasonPart);
    }

    [Fact]
    public void A_join_request_flag_longer_than_the_bound_is_a_bad_request()
    {
        var body = """{"time":1760356100,"self_id":3889012345,"post_type":"request","request_type":"group","sub_type":"add","group_id":736251849,"user_id":2460935187,""" + "\"flag\":\""
            + new string('7', OneBotLimits.MaxFlagLength + 1) + "\"}";

        AssertBadRequest(Receivers.Create(now: DateTimeOffset.FromUnixTimeSeconds(1760356100)).ReceiveV11(Samples.Utf8(body), null), $"1 to {OneBotLimits.MaxFlagLength} characters");
    }

    [Fact]
    public void A_join_request_comment_longer_than_a_message_may_be_is_too_large()
    {
        var body = """{"time":1760356100,"self_id":3889012345,"post_type":"request","request_type":"group","sub_type":"add","group_id":736251849,"user_id":2460935187,"flag":"f1",""" + "\"comment\":\""
            + new string('广', OneBotLimits.MaxTextLength + 1) + "\"}";

        var result = Receivers.Create(now: DateTimeOffset.FromUnixTimeSeconds(1760356100)).ReceiveV11(Samples.Utf8(body), null);

        Assert.Equal(413, result.StatusCode);
        Assert.Contains("comment", result.Error);
    }

    [Fact]
    public void The_reason_says_what_is_wrong_and_where()
    {
        var result = Receive(Samples.Utf8("{\"post_type\":\"message\",}"));

        // The wording is the runtime's; what matters is the cause, the place, and no advice to developers.
        Assert.StartsWith("malformed JSON: ", result.Error);
        Assert.Contains("trailing comma", result.Error);
        Assert.EndsWith("(line 1, offset 23)", result.Error);
        Assert.DoesNotContain("reader options", result.Error);
    }

    [Fact]
    public void Json_nested_too_deep_is_a_bad_request()
    {
        var body = new string('[', JsonBody.MaxDepth + 1) + new string(']', JsonBody.MaxDepth + 1);

        AssertBadRequest(Receive(Samples.Utf8(body)), "malformed JSON: ");
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_a_bad_request()
    {
        byte[] body = [.. "{\"post_type\":\""u8, 0xFF, 0xFE, .. "\"}"u8];

        AssertBadRequest(Receive(body), "malformed JSON: ");
    }

    [Theory]
    [InlineData("今晚八点开会，")] // a text segment
    [InlineData("周末羽毛球群")] // the group name
    [InlineData("运营-小明")] // the sender's card
    [InlineData("normal")] // sub_type, read for every event
    public void A_lone_surrogate_escape_in_a_string_is_read_as_a_replacement_character(string replaced)
    {
        // \ud800 is valid JSON syntax but no character (half an emoji, cut by a sender that shortens
        // strings by UTF-16 units): read as �, so the message is still moderated rather than refused.
        var body = Samples.Utf8(System.Text.Encoding.UTF8.GetString(Samples.Bytes("V11/napcat-group-array.json")).Replace(replaced, "ad\\ud800", StringComparison.Ordinal));

        var result = Receive(body);

        Assert.Equal(204, result.StatusCode);
        var message = result.Event!.Message!;
        Assert.Contains("ad\uFFFD", string.Join('|', result.Event.Detail, message.Text, message.GroupName, message.SenderName), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_low_surrogate_escape_in_a_cq_string_is_read_as_a_replacement_character()
    {
        var body = Samples.Utf8(System.Text.Encoding.UTF8.GetString(Samples.Bytes("V11/napcat-group-string.json")).Replace("今晚八点开会，", "\\udc00[CQ:at,qq=1]", StringComparison.Ordinal));

        var result = Receive(body);

        Assert.Equal(204, result.StatusCode);
        Assert.StartsWith("\uFFFD", result.Event!.Message!.Text, StringComparison.Ordinal);
        Assert.Contains("1", result.Event.Message.Mentions);
    }

    [Theory]
    [InlineData("[{\"post_type\":\"message\"}]")]
    [InlineData("\"message\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void A_body_that_is_not_an_object_is_a_bad_request(string body)
    {
        AssertBadRequest(Receive(Samples.Utf8(body)), "body is not a JSON object");
    }

    [Theory]
    [InlineData("self_id")]
    [InlineData("group_id")]
    [InlineData("user_id")]
    [InlineData("message_id")]
    [InlineData("time")]
    [InlineData("post_type")]
    [InlineData("message_type")]
    public void A_group_message_missing_a_required_field_names_it(string field)
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node.Remove(field);

        AssertBadRequest(Receive(node.Utf8()), $"missing field '{field}'");
    }

    [Fact]
    public void A_group_message_with_neither_message_nor_raw_message_names_message()
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node.Remove("message");
        node.Remove("raw_message");

        AssertBadRequest(Receive(node.Utf8()), "missing field 'message'");
    }

    [Theory]
    [InlineData("group_id", "1.5")]
    [InlineData("group_id", "true")]
    [InlineData("user_id", "\"\"")]
    [InlineData("message_id", "{}")]
    [InlineData("self_id", "-1e400")]
    public void An_id_of_the_wrong_type_names_the_field(string field, string json)
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node[field] = JsonNode.Parse(json);

        AssertBadRequest(Receive(node.Utf8()), $"'{field}'");
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("[]")]
    [InlineData("1e300")]
    public void A_time_that_is_not_a_unix_time_is_a_bad_request(string json)
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node["time"] = JsonNode.Parse(json);

        AssertBadRequest(Receive(node.Utf8()), "'time'");
    }

    [Fact]
    public void A_message_that_is_a_number_is_a_bad_request()
    {
        var node = Samples.Node("V11/napcat-group-array.json");
        node["message"] = 5;

        AssertBadRequest(Receive(node.Utf8()), "'message'");
    }

    [Fact]
    public void A_post_type_that_is_not_a_string_is_a_bad_request()
    {
        AssertBadRequest(Receive(Samples.Utf8("{\"post_type\":1}")), "'post_type'");
    }
}
