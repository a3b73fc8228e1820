using System.Text.Json;

namespace GroupGuard.OneBot.Parsing;

/// <summary>What kind of event it was, for logs and health: <c>type.second_type[.sub_type]</c>.</summary>
internal static class EventDetail
{
    /// <summary>
    /// v11 <c>post_type.message_type|notice_type|…[.sub_type]</c> (<c>notice.group_recall</c>), v12
    /// <c>type.detail_type[.sub_type]</c> (<c>meta.heartbeat</c>); just the type when there is no second.
    /// </summary>
    public static string Of(JsonElement root, string type, string? secondType)
    {
        if (string.IsNullOrEmpty(secondType))
        {
            return type;
        }

        return JsonFields.GetNonEmptyString(root, "sub_type") is { } subType
            ? $"{type}.{secondType}.{subType}"
            : $"{type}.{secondType}";
    }
}
