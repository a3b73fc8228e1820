using System.Text;
using System.Text.Json.Nodes;

namespace GroupGuard.Milky.Tests.Support;

/// <summary>The payloads under <c>Samples/</c>, written from the Milky spec (milky.ntqqrev.org).</summary>
internal static class Samples
{
    /// <summary>The time the samples are stamped with (2025-11-26T09:40:00Z).</summary>
    public static readonly DateTimeOffset Stamped = DateTimeOffset.FromUnixTimeSeconds(1764150000);

    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    public static byte[] Bytes(string name) => Encoding.UTF8.GetBytes(Text(name));

    public static JsonObject Json(string name) => (JsonObject)JsonNode.Parse(Text(name))!;

    /// <summary>A group message like <c>group-message.json</c>, with its own sequence, text and times.</summary>
    public static string GroupMessage(long messageSeq, string text, DateTimeOffset? time = null, long senderId = 20002, long groupId = 123456)
    {
        var json = Json("group-message.json");
        var seconds = (time ?? Stamped).ToUnixTimeSeconds();
        json["time"] = seconds;
        var data = json["data"]!;
        data["peer_id"] = groupId;
        data["message_seq"] = messageSeq;
        data["sender_id"] = senderId;
        data["time"] = seconds;
        data["segments"] = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = text } });
        data["group_member"]!["user_id"] = senderId;
        return json.ToJsonString();
    }
}

