using System.Text;
using GroupGuard.OneBot.V11;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// The text of one (possibly coalesced) warning: senders that share the same reasons are mentioned
/// together, so ten hits of one spammer read as one <c>@spammer reason</c> and three spammers of one
/// ad as <c>@a @b @c reason</c>. Each reason is a line of its own that begins with the mentions it
/// is for (<c>@admin 已标记误判：#11\n@admin 今日本群：…</c>): a reason may be a sentence (a pack's
/// <c>warning:</c>, an answer to a command in the group) with its own 、，； in it, so reasons run
/// together on one line could not be told apart.
/// </summary>
internal static class WarningMessage
{
    public const string Mention = "mention";
    public const string Text = "text";

    /// <summary>One sender to mention once, with their distinct reasons in order of first hit.</summary>
    public sealed record Sender(string UserId, IReadOnlyList<string> Reasons);

    /// <summary>A v12 segment: <c>mention</c> with a user id, or <c>text</c>.</summary>
    public readonly record struct Segment(string Type, string Value);

    /// <summary>The v11 CQ string: mentions as <c>[CQ:at,qq=…]</c>, reasons escaped as text.</summary>
    public static string ToCq(IReadOnlyList<Sender> senders)
    {
        var builder = new StringBuilder();
        foreach (var (users, reason) in Lines(senders))
        {
            if (builder.Length > 0)
            {
                builder.Append('\n');
            }

            for (var i = 0; i < users.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(' ');
                }

                builder.Append("[CQ:at,qq=").Append(CqCode.Escape(users[i], inParameter: true)).Append(']');
            }

            if (reason.Length > 0)
            {
                builder.Append(' ').Append(CqCode.Escape(reason, inParameter: false));
            }
        }

        return builder.ToString();
    }

    /// <summary>The v12 segments: a <c>mention</c> per sender, then a <c>text</c> with the reasons.</summary>
    public static IReadOnlyList<Segment> ToSegments(IReadOnlyList<Sender> senders)
    {
        var segments = new List<Segment>();
        var first = true;
        foreach (var (users, reason) in Lines(senders))
        {
            for (var i = 0; i < users.Count; i++)
            {
                var separator = i > 0 ? " " : first ? "" : "\n";
                if (separator.Length > 0)
                {
                    segments.Add(new Segment(Text, separator));
                }

                segments.Add(new Segment(Mention, users[i]));
            }

            if (reason.Length > 0)
            {
                segments.Add(new Segment(Text, " " + reason));
            }

            first = false;
        }

        return segments;
    }

    /// <summary>
    /// The lines: senders grouped by the same reasons in the same order (in order of first
    /// mention), then a line for each reason of a group (one without reasons for a group that has
    /// none), with the group's mentions.
    /// </summary>
    private static List<(List<string> Users, string Reason)> Lines(IReadOnlyList<Sender> senders)
    {
        var groups = new List<(List<string> Users, IReadOnlyList<string> Reasons)>();
        foreach (var sender in senders)
        {
            var group = groups.FindIndex(g => g.Reasons.SequenceEqual(sender.Reasons, StringComparer.Ordinal));
            if (group < 0)
            {
                groups.Add(([sender.UserId], sender.Reasons));
            }
            else
            {
                groups[group].Users.Add(sender.UserId);
            }
        }

        return [.. groups.SelectMany(g => g.Reasons.Count == 0
            ? [(g.Users, "")]
            : g.Reasons.Select(reason => (g.Users, reason)))];
    }
}
