using System.Text.Json.Serialization;

namespace GroupGuard.Core;

/// <summary>
/// The wire protocol a message came in on, and so the API its actions go out through. Stored and
/// exported as its text (<c>onebot.v11</c>); each new adapter adds its own.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Protocol>))]
public enum Protocol
{
    [JsonStringEnumMemberName("onebot.v11")]
    OneBotV11,

    [JsonStringEnumMemberName("onebot.v12")]
    OneBotV12,

    /// <summary>Milky (Lagrange.Milky, LuckyLilliaBot): HTTP API and an event stream.</summary>
    [JsonStringEnumMemberName("milky")]
    Milky,

    /// <summary>The official QQ bot platform (QQ 开放平台): signed webhooks and its OpenAPI.</summary>
    [JsonStringEnumMemberName("qqbot")]
    QQBot,

    /// <summary>
    /// WeCom's chat archive (企业微信会话内容存档): messages pulled and decrypted through Tencent's
    /// SDK. Read-only: WeCom's API cannot recall, mute or remove, so every action is unsupported.
    /// </summary>
    [JsonStringEnumMemberName("wecom.archive")]
    WeComArchive,
}

/// <summary>
/// A bridge's protocol as people name it, where people read it (the console's overview, the
/// digest's 机器人状态): <c>OneBot v11</c>, <c>QQ 官方机器人</c>. <c>/healthz</c>, the logs, exports
/// and the database keep the wire name (<see cref="WireNames{T}"/>: <c>onebot.v11</c>).
/// </summary>
public static class ProtocolNames
{
    public static string Shown(Protocol protocol) => protocol switch
    {
        Protocol.OneBotV11 => "OneBot v11",
        Protocol.OneBotV12 => "OneBot v12",
        Protocol.Milky => "Milky",
        Protocol.QQBot => "QQ 官方机器人",
        Protocol.WeComArchive => "企业微信会话存档",
        _ => WireNames<Protocol>.ToText(protocol),
    };

    /// <summary>A protocol by its wire name (<c>onebot.v11</c>) as people name it; a name that is none as it is.</summary>
    public static string Shown(string wireName) =>
        WireNames<Protocol>.TryParse(wireName, out var protocol) ? Shown(protocol) : wireName;
}
