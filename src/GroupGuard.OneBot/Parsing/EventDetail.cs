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
        type = Cut(type);
        if (string.IsNullOrEmpty(secondType))
        {
            return type;
        }

        return JsonFields.GetNonEmptyString(root, "sub_type") is { } subType
            ? $"{type}.{Cut(secondType)}.{Cut(subType)}"
            : $"{type}.{Cut(secondType)}";
    }

    /// <summary>Real type names are a few words; a sender's long one is cut so logs stay readable.</summary>
    private const int MaxPart = 32;

    private static string Cut(string part) => part.Length <= MaxPart ? part : string.Concat(part.AsSpan(0, MaxPart), "…");
}
