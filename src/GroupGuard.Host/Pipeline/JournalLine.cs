using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Forwards;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// One line of the inbox journal read back as a message every part of the service can take. A line
/// may have been written by an older build, before a property existed (<see cref="ChatMessage.Forwards"/>
/// came late, a forwarded message's <see cref="ForwardedMessage.Images"/> later): the
/// source-generated reader gives null, not the property's <c>[]</c>, for a collection the line
/// lacks, and such a message failed in detection ("passed", an advert included) or threw outside
/// the worker's guard (no <c>Images</c>) and stopped the host at every start. So what is missing is
/// mended here: collections empty, null entries dropped, an unknown role unknown.
/// </summary>
internal static class JournalLine
{
    /// <summary>
    /// The message on <paramref name="line"/> (without its newline), or null when it cannot be read:
    /// not JSON, a required value missing or null (an id, the time), a protocol this build does not
    /// know, a join request without the flag that answers it.
    /// </summary>
    public static ChatMessage? Read(ReadOnlySpan<byte> line)
    {
        ChatMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(line, JournalJson.Default.ChatMessage);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null;
        }

        return message is null ? null : WellFormed(message);
    }

    /// <summary><paramref name="message"/> as it should be (itself when nothing is missing), or null when it cannot be mended.</summary>
    internal static ChatMessage? WellFormed(ChatMessage message)
    {
        // The serializer takes null for a required string; without these the message cannot be
        // told apart, answered or acted on.
        if (message.Platform is null || message.BotId is null || message.GroupId is null || message.UserId is null
            || message.MessageId is null || !Enum.IsDefined(message.Protocol) || message.JoinRequest is { Flag: null })
        {
            return null;
        }

        var mentions = Entries(message.Mentions);
        var images = Images(message.Images);
        var cards = Cards(message.Cards);
        var forwards = Forwards(message.Forwards);
        var role = Enum.IsDefined(message.SenderRole) ? message.SenderRole : SenderRole.Unknown;
        var cursor = message.Cursor is { Source: null } ? null : message.Cursor;
        var text = message.Text ?? "";
        return ReferenceEquals(mentions, message.Mentions) && ReferenceEquals(images, message.Images)
            && ReferenceEquals(cards, message.Cards) && ReferenceEquals(forwards, message.Forwards)
            && role == message.SenderRole && ReferenceEquals(cursor, message.Cursor) && ReferenceEquals(text, message.Text)
            ? message
            : message with { Mentions = mentions, Images = images, Cards = cards, Forwards = forwards, SenderRole = role, Cursor = cursor, Text = text };
    }

    // Each of these returns the list it was given when nothing in it needs mending, so an ordinary
    // line costs no copy.
    private static IReadOnlyList<string> Entries(IReadOnlyList<string>? list) =>
        list is null ? [] : list.Any(e => e is null) ? [.. list.Where(e => e is not null)] : list;

    private static IReadOnlyList<ImageRef> Images(IReadOnlyList<ImageRef>? list) =>
        list is null ? [] : list.Any(i => i is null || i.File is null) ? [.. list.Where(i => i is not null).Select(i => i.File is null ? i with { File = "" } : i)] : list;

    private static IReadOnlyList<CardContent> Cards(IReadOnlyList<CardContent>? list) =>
        list is null ? [] : list.Any(c => c is null || c.Kind is null) ? [.. list.Where(c => c is not null).Select(c => c.Kind is null ? c with { Kind = "" } : c)] : list;

    private static IReadOnlyList<ForwardRef> Forwards(IReadOnlyList<ForwardRef>? list)
    {
        if (list is null || list.Count == 0)
        {
            return list ?? [];
        }

        var mended = list.Where(f => f is not null).Select(Forward).ToList();
        return mended.Count == list.Count && mended.Select((f, i) => ReferenceEquals(f, list[i])).All(same => same) ? list : mended;
    }

    // JSON's own depth bound (64) bounds the nesting of bundles in a line, and so this recursion.
    private static ForwardRef Forward(ForwardRef forward)
    {
        var id = forward.Id ?? "";
        var messages = forward.Messages is null ? null : Inner(forward.Messages);
        return ReferenceEquals(id, forward.Id) && ReferenceEquals(messages, forward.Messages) ? forward : forward with { Id = id, Messages = messages };
    }

    private static IReadOnlyList<ForwardedMessage> Inner(IReadOnlyList<ForwardedMessage> list)
    {
        if (list.Count == 0)
        {
            return list;
        }

        var mended = list.Where(m => m is not null).Select(m =>
        {
            var cards = Cards(m.Cards);
            var images = Images(m.Images);
            var forwards = Forwards(m.Forwards);
            var text = m.Text ?? "";
            return ReferenceEquals(cards, m.Cards) && ReferenceEquals(images, m.Images) && ReferenceEquals(forwards, m.Forwards) && ReferenceEquals(text, m.Text)
                ? m
                : m with { Cards = cards, Images = images, Forwards = forwards, Text = text };
        }).ToList();
        return mended.Count == list.Count && mended.Select((m, i) => ReferenceEquals(m, list[i])).All(same => same) ? list : mended;
    }
}
