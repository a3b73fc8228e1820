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
