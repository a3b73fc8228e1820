using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.QQBot.Tests.Support;

namespace GroupGuard.QQBot.Tests.Webhook;

/// <summary>The samples (written from the docs' event examples) as chat messages.</summary>
public sealed class GroupMessageTests
{
    private static ChatMessage Read(string sample)
    {
        var (receiver, _, clock) = Receivers.Create();
        var result = receiver.Deliver(clock, Samples.Bytes(sample));
        Assert.Equal(200, result.StatusCode);
        return result.Event!.Message!;
    }

    private static QQBotWebhookResult Deliver(JsonObject payload)
    {
        var (receiver, _, clock) = Receivers.Create();
        return receiver.Deliver(clock, payload.ToJsonString());
    }

    private static JsonObject Payload(Action<JsonObject> change)
    {
        var payload = JsonNode.Parse(Samples.Bytes("group-message-create.json"))!.AsObject();
        change(payload["d"]!.AsObject());
        return payload;
    }

    [Fact]
    public void Half_an_emoji_in_the_content_is_read_as_a_replacement_character_not_a_refusal()
    {
        // Written as the escape \ud83d alone, as a sender that cut a string by UTF-16 units would.
        var body = Payload(d => d["content"] = "加微信 tg2025 私聊\u0001").ToJsonString().Replace("\\u0001", "\\ud83d", StringComparison.Ordinal);
        var (receiver, _, clock) = Receivers.Create();

        var result = receiver.Deliver(clock, body);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("加微信 tg2025 私聊\uFFFD", result.Event!.Message!.Text);
    }

    [Fact]
    public void A_group_message_carries_the_openids_the_platform_gives()
    {
        var message = Read("group-message-create.json");

        Assert.Equal("qq-official", message.Platform);
        Assert.Equal(Protocol.QQBot, message.Protocol);
        Assert.Equal(Receivers.AppId, message.BotId);
        Assert.Equal("C9F778FE6ADF9D1D1DBE395BF744A33A", message.GroupId);
        Assert.Equal("5A8DD3E4C1CC4B1E2A7E3D66F10B2C93", message.UserId);
        Assert.Equal("ROBOT1.0_kZ3fJ0vY9mQ1nE7cL4pA6sT8uW2xB5dR0gH3jK6lM9nP2qS5tV8wY1zA4cE7fI0o", message.MessageId);
        Assert.Equal(new DateTimeOffset(2025, 11, 26, 9, 59, 0, TimeSpan.Zero), message.Time);
        Assert.Equal("家长们好，暑假托管班名额有限，加微信 tg2025 私聊领取优惠", message.Text);
        Assert.Equal(SenderRole.Member, message.SenderRole);
        Assert.Empty(message.Mentions);
        Assert.Empty(message.Images);
    }

    [Fact]
    public void A_message_that_mentions_the_bot_is_read_alike_and_has_no_role_unless_the_platform_says()
    {
        var message = Read("group-at-message-create.json");

        Assert.Equal("E4F4AEA33253A2797FB897C50B81D7ED", message.UserId);
        Assert.Equal(" 123", message.Text);
        Assert.Equal(SenderRole.Unknown, message.SenderRole);
        Assert.Equal(new DateTimeOffset(2025, 11, 26, 9, 58, 0, TimeSpan.Zero), message.Time);
    }

    [Fact]
    public void Mention_markup_becomes_mentions_and_images_are_kept()
    {
        var message = Read("group-message-mentions-image.json");

        // <@id> and <qqbot-at-user id=… /> of members the list names drop out of the text,
        // <qqbot-at-everyone /> with the list's scope:all is @all; the bot itself (is_you) is not a
        // mention of anyone.
        Assert.Equal(" 请查收通知", message.Text);
        Assert.Equal(["91C2F6A0E4B84D1AA3F5C7E9B1D3F5A7", "2D4F6A8C0E1B3D5F7A9C1E3B5D7F9A1C"], message.Mentions);
        Assert.True(message.MentionsAll);
        Assert.Equal(SenderRole.Admin, message.SenderRole);
        Assert.Equal("三班班主任", message.SenderName);
        var image = Assert.Single(message.Images);
        Assert.Equal("B3A9F1C2D4E6A8B0C2D4E6F8A0B2C4D6.jpg", image.File);
        Assert.StartsWith("https://multimedia.nt.qq.com.cn/", image.Url, StringComparison.Ordinal);
    }

    [Fact]
    public void Mentions_cannot_split_a_phrase_the_rules_look_for()
    {
        var result = Deliver(Payload(d => d["content"] = "加<@91C2F6A0E4B84D1AA3F5C7E9B1D3F5A7>微<@!2D4F6A8C0E1B3D5F7A9C1E3B5D7F9A1C>信"));

        Assert.Equal("加微信", result.Event!.Message!.Text);
    }

    [Fact]
    public void Markup_that_is_no_mention_stays_text()
    {
        var result = Deliver(Payload(d => d["content"] = "a <b> c <@ d> <qqbot-at-user>"));

        Assert.Equal("a <b> c <@ d> <qqbot-at-user>", result.Event!.Message!.Text);
        Assert.Empty(result.Event.Message.Mentions);
    }

    [Theory]
    [InlineData("<@加微信tg2025私聊领取优惠>")]
    [InlineData("<@!加微信tg2025私聊领取优惠>")]
    [InlineData("<qqbot-at-user id=\"加微信 tg2025 私聊领取优惠\" />")]
    [InlineData("家长们好<qqbot-at-user id=\"加微信tg2025\"/>私聊领取优惠")]
    public void Markup_a_member_types_around_words_stays_text_for_the_rules(string content)
    {
        // No mentions list: only an openid is taken as a mention. Typed markup would otherwise hide
        // an advert from every rule (the text became empty).
        var message = Deliver(Payload(d => d["content"] = content)).Event!.Message!;

        Assert.Equal(content, message.Text);
        Assert.Contains("tg2025", message.Text, StringComparison.Ordinal);
        Assert.Empty(message.Mentions);
    }

    [Fact]
    public void With_a_mentions_list_only_the_members_it_names_are_mentions_and_other_markup_stays_text()
    {
        var result = Deliver(Payload(d =>
        {
            d["content"] = "<@7E5C3A1F9D7B5E3C1A9F7D5B3E1C9A7F> <@91C2F6A0E4B84D1AA3F5C7E9B1D3F5A7> 请<qqbot-at-user id=\"0123456789ABCDEF0123456789ABCDEF\" />加<@微信tg2025>";
            d["mentions"] = JsonNode.Parse("""
                [
                  { "scope": "single", "id": "91C2F6A0E4B84D1AA3F5C7E9B1D3F5A7" },
                  { "scope": "single", "id": "7E5C3A1F9D7B5E3C1A9F7D5B3E1C9A7F", "is_you": true }
                ]
                """);
        }));

        var message = result.Event!.Message!;

        // The bot's own markup drops out and is no mention; an openid the list does not name is
        // markup the member typed, and stays.
        Assert.Equal("  请<qqbot-at-user id=\"0123456789ABCDEF0123456789ABCDEF\" />加<@微信tg2025>", message.Text);
        Assert.Equal(["91C2F6A0E4B84D1AA3F5C7E9B1D3F5A7"], message.Mentions);
        Assert.False(message.MentionsAll);
    }

    [Fact]
    public void Markup_is_matched_to_the_list_by_any_id_of_an_entry_and_recorded_by_member_openid()
    {
        var result = Deliver(Payload(d =>
        {
            d["content"] = "<@native-member-id>请查收";
            d["mentions"] = JsonNode.Parse("""[{ "scope": "single", "id": "native-member-id", "member_openid": "91C2F6A0E4B84D1AA3F5C7E9B1D3F5A7" }]""");
        }));

        Assert.Equal("请查收", result.Event!.Message!.Text);
        Assert.Equal(["91C2F6A0E4B84D1AA3F5C7E9B1D3F5A7"], result.Event.Message.Mentions);
    }

    [Theory]
    [InlineData("<qqbot-at-everyone />")]
    [InlineData("<@all>")]
    [InlineData("<@everyone>")]
    public void At_all_markup_counts_only_when_the_payload_says_everyone_was_mentioned(string markup)
    {
        // The docs give bots @everyone in guild channels only; a member can type the markup.
        var typed = Deliver(Payload(d => d["content"] = $"通知{markup}开会")).Event!.Message!;
        var listed = Deliver(Payload(d =>
        {
            d["content"] = $"通知{markup}开会";
            d["mentions"] = JsonNode.Parse("""[{ "scope": "all" }]""");
        })).Event!.Message!;
        var flagged = Deliver(Payload(d =>
        {
            d["content"] = $"通知{markup}开会";
            d["mention_everyone"] = true;
        })).Event!.Message!;

        Assert.Equal($"通知{markup}开会", typed.Text);
        Assert.False(typed.MentionsAll);
        Assert.Equal("通知开会", listed.Text);
        Assert.True(listed.MentionsAll);
        Assert.Equal("通知开会", flagged.Text);
        Assert.True(flagged.MentionsAll);
    }

    [Fact]
    public void A_message_of_a_bot_is_taken_and_not_moderated()
    {
        var result = Deliver(Payload(d => d["author"]!["bot"] = true));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(InboundEventKind.Ignored, result.Event!.Kind);
    }

    [Fact]
    public void The_same_message_as_both_event_types_has_one_dedupe_key()
    {
        // A message that mentions the bot in a group whose messages the bot reads comes twice.
        var full = Payload(_ => { });
        var at = Payload(_ => { });
        at["t"] = "GROUP_AT_MESSAGE_CREATE";
        at["id"] = "GROUP_AT_MESSAGE_CREATE:other-event-id";

        Assert.Equal(Deliver(full).Event!.Message!.DedupeKey, Deliver(at).Event!.Message!.DedupeKey);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("group_openid")]
    [InlineData("timestamp")]
    public void A_message_without_a_required_field_is_400(string field)
    {
        var result = Deliver(Payload(d => d.Remove(field)));

        Assert.Equal(400, result.StatusCode);
        Assert.Contains($"d.{field}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_without_its_author_is_400()
    {
        Assert.Contains("d.author", Deliver(Payload(d => d.Remove("author"))).Error, StringComparison.Ordinal);
        Assert.Contains("d.author.member_openid", Deliver(Payload(d => d["author"] = new JsonObject())).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("group_openid", QQBotLimits.MaxIdLength)]
    [InlineData("id", QQBotLimits.MaxMessageIdLength)]
    public void An_id_past_its_bound_is_400(string field, int bound)
    {
        Assert.Equal(200, Deliver(Payload(d => d[field] = new string('A', bound))).StatusCode);
        Assert.Equal(400, Deliver(Payload(d => d[field] = new string('A', bound + 1))).StatusCode);
    }

    /// <summary>
    /// A signed delivery with a NUL in an openid was read: PostgreSQL refuses it in text, so its
    /// incident and its message count failed every write and moderation stalled behind them.
    /// </summary>
    [Theory]
    [InlineData("d.id", "ROBOT1.0_\u0000x")]
    [InlineData("d.group_openid", "C9F778FE6ADF9D1D\u0000BE395BF744A33A")]
    [InlineData("d.author.member_openid", "5A8DD3E4C1CC4B1E\n2A7E3D66F10B2C93")]
    public void An_id_with_a_control_character_is_400_naming_it(string field, string id)
    {
        var result = Deliver(Payload(d =>
        {
            if (field == "d.author.member_openid")
            {
                d["author"]!["member_openid"] = id;
            }
            else
            {
                d[field["d.".Length..]] = id;
            }
        }));

        Assert.Equal(400, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Equal($"field '{field}' holds a control character, which no id has", result.Error);
    }

    [Fact]
    public void A_listed_mention_with_a_control_character_is_dropped()
    {
        var result = Deliver(Payload(d =>
        {
            d["content"] = "<@5A8DD3E4C1CC4B1E\u00002A7E3D66F10B2C93> 看群公告";
            d["mentions"] = new JsonArray(new JsonObject { ["member_openid"] = "5A8DD3E4C1CC4B1E\u00002A7E3D66F10B2C93" });
        }));

        Assert.Equal(200, result.StatusCode);
        Assert.Empty(result.Event!.Message!.Mentions);
        Assert.Equal(" 看群公告", result.Event.Message.Text);
    }

    [Theory]
    [InlineData("2025-11-26T09:59:00Z")]
    [InlineData("2025-11-26T17:59:00.123+08:00")]
    [InlineData("1764151140")]
    public void Times_in_RFC_3339_or_Unix_seconds_are_read(string time)
    {
        var result = Deliver(Payload(d => d["timestamp"] = time));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(new DateTimeOffset(2025, 11, 26, 9, 59, 0, TimeSpan.Zero), result.Event!.Message!.Time.AddTicks(-(result.Event.Message.Time.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Theory]
    [InlineData("26/11/2025 17:59")]
    [InlineData("2025-11-26")]
    [InlineData("tomorrow")]
    public void Other_times_are_400(string time) =>
        Assert.Equal(400, Deliver(Payload(d => d["timestamp"] = time)).StatusCode);

    [Theory]
    [InlineData("2025-11-27T10:01:00Z", "ahead")]
    [InlineData("2025-11-19T09:59:00Z", "behind")]
    public void A_time_far_from_the_server_clock_is_400_as_with_OneBot(string time, string which)
    {
        var result = Deliver(Payload(d => d["timestamp"] = time));

        Assert.Equal(400, result.StatusCode);
        Assert.Contains(which, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_past_its_bound_is_413()
    {
        Assert.Equal(200, Deliver(Payload(d => d["content"] = new string('字', QQBotLimits.MaxTextLength))).StatusCode);
        Assert.Equal(413, Deliver(Payload(d => d["content"] = new string('字', QQBotLimits.MaxTextLength + 1))).StatusCode);
    }

    [Fact]
    public void Too_many_attachments_is_413_and_images_past_the_bound_are_dropped()
    {
        JsonArray Images(int count) => [.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject { ["content_type"] = "image/png", ["url"] = $"https://example.invalid/{i}.png" })];

        Assert.Equal(413, Deliver(Payload(d => d["attachments"] = Images(QQBotLimits.MaxItems + 1))).StatusCode);
        Assert.Equal(QQBotLimits.MaxImages, Deliver(Payload(d => d["attachments"] = Images(QQBotLimits.MaxImages + 5))).Event!.Message!.Images.Count);
    }

    [Fact]
    public void Mentions_past_the_bound_are_dropped()
    {
        var content = string.Concat(Enumerable.Range(0, QQBotLimits.MaxMentions + 10).Select(i => $"<@{i:X32}>"));

        var message = Deliver(Payload(d => d["content"] = content)).Event!.Message!;

        Assert.Equal(QQBotLimits.MaxMentions, message.Mentions.Count);
        Assert.Equal("", message.Text);
    }
}
