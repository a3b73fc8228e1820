using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GroupGuard.Core;

namespace GroupGuard.QQBot.Webhook;

/// <summary>
/// Reads the <c>d</c> of a <c>GROUP_MESSAGE_CREATE</c> (every message of a group whose owner lets
/// the bot read them all) or <c>GROUP_AT_MESSAGE_CREATE</c> (a message that mentions the bot):
/// <c>id</c>, <c>group_openid</c>, <c>author.member_openid</c>, <c>content</c>, <c>timestamp</c>
/// (RFC 3339) and <c>attachments</c> as the docs list them, and where the platform adds them
/// <c>author.member_role</c>, <c>author.username</c>, <c>author.bot</c> and <c>mentions</c>.
/// </summary>
internal static partial class GroupMessageReader
{
    public const string Platform = "qq-official";

    public const string GroupMessage = "GROUP_MESSAGE_CREATE";
    public const string GroupAtMessage = "GROUP_AT_MESSAGE_CREATE";

    public static bool IsGroupMessage(string type) => type is GroupMessage or GroupAtMessage;

    public static InboundEvent Read(JsonElement data, string type, string botId)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedEventException("field 'd' must be an object");
        }

        var author = data.TryGetProperty("author", out var a) && a.ValueKind == JsonValueKind.Object
            ? a
            : throw new MalformedEventException("field 'd.author' must be an object");
        var messageId = RequireId(data, "id", "d.id", QQBotLimits.MaxMessageIdLength);
        var groupId = RequireId(data, "group_openid", "d.group_openid", QQBotLimits.MaxIdLength);
        var userId = RequireId(author, "member_openid", "d.author.member_openid", QQBotLimits.MaxIdLength);
        var time = RequireTime(data, "timestamp", "d.timestamp");

        var content = data.TryGetProperty("content", out var c) ? c.ValueKind switch
        {
            JsonValueKind.String => c.GetString()!,
            JsonValueKind.Null => "",
            _ => throw new MalformedEventException("field 'd.content' must be a string"),
        } : "";
        if (content.Length > QQBotLimits.MaxTextLength)
        {
            throw new OversizedEventException($"message text over {QQBotLimits.MaxTextLength} characters");
        }

        var mentions = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = ReadMentionList(data);
        var mentionsAll = list?.All == true
            || (data.TryGetProperty("mention_everyone", out var everyone) && everyone.ValueKind == JsonValueKind.True);
        var text = ReadMentionsInText(content, list, mentionsAll, mentions, seen);
        foreach (var listed in list?.Members ?? [])
        {
            if (!listed.IsBot)
            {
                AddMention(listed.Id, mentions, seen);
            }
        }

        var message = new ChatMessage
        {
            Platform = Platform,
            Protocol = Protocol.QQBot,
            BotId = botId,
            GroupId = groupId,
            UserId = userId,
            SenderRole = RoleOf(author),
            SenderName = author.TryGetProperty("username", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } n ? n : null,
            MessageId = messageId,
            Time = time,
            Text = text,
            Mentions = mentions,
            MentionsAll = mentionsAll,
            Images = ReadImages(data),
        };

        // The platform marks the messages of bots; GroupGuard's own warnings would come back this
        // way, and a bot on this platform is one the platform has reviewed.
        if (author.TryGetProperty("bot", out var bot) && bot.ValueKind == JsonValueKind.True)
        {
            return new InboundEvent(InboundEventKind.Ignored, Protocol.QQBot, botId, null, $"{type}.bot");
        }

        return new InboundEvent(InboundEventKind.GroupMessage, Protocol.QQBot, botId, message, type);
    }

    private static SenderRole RoleOf(JsonElement author) =>
        author.TryGetProperty("member_role", out var role) && role.ValueKind == JsonValueKind.String
            ? role.GetString() switch
            {
                "owner" => SenderRole.Owner,
                "admin" => SenderRole.Admin,
                "member" => SenderRole.Member,
                _ => SenderRole.Unknown,
            }
            : SenderRole.Unknown;

    /// <summary>
    /// The content without the markup of real mentions, which become mentions: <c>&lt;@openid&gt;</c>
    /// and <c>&lt;@!openid&gt;</c> as group messages carry them, <c>&lt;qqbot-at-user id="…" /&gt;</c> and
    /// <c>&lt;qqbot-at-everyone /&gt;</c> as the docs' text interaction writes them. Dropping the markup
    /// joins the words around it, as OneBot's mention segments do, so a mention cannot split a phrase
    /// the rules look for.
    /// </summary>
    /// <remarks>
    /// A member can type markup too, and whatever it holds would leave the text unseen by every rule
    /// (<c>&lt;@加微信tg2025私聊领取优惠&gt;</c>). So markup is a mention only when the payload says so:
    /// its id is one the <c>mentions</c> list names (the bot's own, <c>is_you</c>, drops out and is no
    /// mention), or, where the platform sends no list, an openid (<see cref="IsOpenId"/>). @all markup
    /// counts only with a <c>scope: all</c> entry or <c>mention_everyone: true</c>: the docs give bots
    /// @everyone in guild channels only. Any other markup stays in the text, for the rules to read.
    /// </remarks>
    private static string ReadMentionsInText(string content, MentionList? list, bool mentionsAll, List<string> mentions, HashSet<string> seen)
    {
        if (!content.Contains('<', StringComparison.Ordinal))
        {
            return content;
        }

        var text = new StringBuilder(content.Length);
        var last = 0;
        foreach (Match match in MentionMarkup().Matches(content))
        {
            var id = match.Groups["short"].Success ? match.Groups["short"].Value : match.Groups["long"].Success ? match.Groups["long"].Value : null;
            string? mention = null;
            if (id is null or "all" or "everyone")
            {
                if (!mentionsAll)
                {
                    continue;
                }
            }
            else if (list is not null)
            {
                if (!list.ById.TryGetValue(id, out var listed))
                {
                    continue;
                }

                mention = listed.IsBot ? null : listed.Id;
            }
            else if (IsOpenId(id))
            {
                mention = id;
            }
            else
            {
                continue;
            }

            text.Append(content, last, match.Index - last);
            last = match.Index + match.Length;
            if (mention is not null)
            {
                AddMention(mention, mentions, seen);
            }
        }

        text.Append(content, last, content.Length - last);
        return text.ToString();
    }

    /// <summary>
    /// An openid as the platform hands them out (<c>member_openid</c>, <c>group_openid</c>): 32 hex
    /// digits in upper case, <c>E4F4AEA33253A2797FB897C50B81D7ED</c>.
    /// </summary>
    private static bool IsOpenId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitUpper);

    /// <summary>
    /// <c>mentions</c>: <c>{scope: single|all, id, member_openid, is_you}</c>, or null when the payload has
    /// no list. A member is named by <c>member_openid</c> (else <c>id</c>, <c>openid</c>); markup may
    /// carry any of them. The bot itself (<c>is_you</c>) is listed so its markup drops out, and is no mention.
    /// </summary>
    private static MentionList? ReadMentionList(JsonElement data)
    {
        if (!data.TryGetProperty("mentions", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        if (array.GetArrayLength() > QQBotLimits.MaxItems)
        {
            throw new OversizedEventException($"more than {QQBotLimits.MaxItems} mentions");
        }

        var list = new MentionList();
        foreach (var mention in array.EnumerateArray())
        {
            if (mention.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (mention.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.String && scope.GetString() == "all")
            {
                list.All = true;
                continue;
            }

            var ids = new[] { StringOf(mention, "member_openid"), StringOf(mention, "id"), StringOf(mention, "openid") };
            if (ids.FirstOrDefault(i => i is not null) is not { } id)
            {
                continue;
            }

            var listed = new ListedMention(id, mention.TryGetProperty("is_you", out var isYou) && isYou.ValueKind == JsonValueKind.True);
            list.Members.Add(listed);
            foreach (var alias in ids)
            {
                if (alias is not null)
                {
                    list.ById.TryAdd(alias, listed);
                }
            }
        }

        return list;
    }

    private static void AddMention(string id, List<string> mentions, HashSet<string> seen)
    {
        if (id.Length > 0 && MessageLimits.IdProblem("", id, QQBotLimits.MaxIdLength) is null && mentions.Count < QQBotLimits.MaxMentions && seen.Add(id))
        {
            mentions.Add(id);
        }
    }

    /// <summary><c>attachments</c> whose <c>content_type</c> is <c>image/…</c>; voice, video and files carry no text.</summary>
    private static List<ImageRef> ReadImages(JsonElement data)
    {
        var images = new List<ImageRef>();
        if (!data.TryGetProperty("attachments", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return images;
        }

        if (list.GetArrayLength() > QQBotLimits.MaxItems)
        {
            throw new OversizedEventException($"more than {QQBotLimits.MaxItems} attachments");
        }

        foreach (var attachment in list.EnumerateArray())
        {
            if (images.Count >= QQBotLimits.MaxImages)
            {
                break;
            }

            if (attachment.ValueKind != JsonValueKind.Object
                || StringOf(attachment, "content_type") is not { } type
                || !type.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var url = StringOf(attachment, "url");
            if ((StringOf(attachment, "filename") ?? url) is { } file)
            {
                images.Add(new ImageRef(file, url, null));
            }
        }

        return images;
    }

    private static string? StringOf(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    /// <summary>An id that must be there: a non-empty string within <paramref name="maxLength"/> and without a control character (<see cref="MessageLimits.IdProblem"/>).</summary>
    private static string RequireId(JsonElement obj, string name, string path, int maxLength)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedEventException($"missing field '{path}'");
        }

        var id = value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : throw new MalformedEventException($"field '{path}' must be a non-empty string");
        return MessageLimits.IdProblem(path, id, maxLength) is { } problem ? throw new MalformedEventException(problem) : id;
    }

    /// <summary>RFC 3339 as the docs say (<c>2023-11-06T13:37:18+08:00</c>); Unix seconds are taken too.</summary>
    private static DateTimeOffset RequireTime(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new MalformedEventException($"missing field '{path}'");
        }

        if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text)
        {
            if (text.Length <= 64 && Rfc3339().IsMatch(text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed))
            {
                return parsed;
            }

            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 100_000_000_000)
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }
        else if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds is >= 0 and < 100_000_000_000)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        throw new MalformedEventException($"field '{path}' must be an RFC 3339 time");
    }

    private sealed class MentionList
    {
        public bool All { get; set; }

        public List<ListedMention> Members { get; } = [];

        public Dictionary<string, ListedMention> ById { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>One member the <c>mentions</c> list names: the id GroupGuard records, and whether it is the bot itself.</summary>
    private sealed record ListedMention(string Id, bool IsBot);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    // Ids are bounded in the pattern, so a hostile content costs one linear pass.
    [GeneratedRegex(@"<@!?(?<short>[^<>\s]{1,64})>|<qqbot-at-user\s+id=""(?<long>[^""<>]{1,64})""\s*/?>|<qqbot-at-everyone\s*/?>", RegexOptions.CultureInvariant)]
    private static partial Regex MentionMarkup();
}
