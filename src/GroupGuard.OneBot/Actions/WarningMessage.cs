using System.Text;
using GroupGuard.OneBot.V11;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// The text of one (possibly coalesced) warning: senders that share the same reasons are mentioned
/// together on one line, followed by those reasons, so ten hits of one spammer read as one
/// <c>@spammer reason</c> and three spammers of one ad as <c>@a @b @c reason</c>.
/// </summary>
internal static class WarningMessage
{
    public const string Mention = "mention";
    public const string Text = "text";
    private const string ReasonSeparator = "; ";

    /// <summary>One sender to mention once, with their distinct reasons in order of first hit.</summary>
    public sealed record Sender(string UserId, IReadOnlyList<string> Reasons);

    /// <summary>A v12 segment: <c>mention</c> with a user id, or <c>text</c>.</summary>
    public readonly record struct Segment(string Type, string Value);

    /// <summary>The v11 CQ string: mentions as <c>[CQ:at,qq=…]</c>, reasons escaped as text.</summary>
    public static string ToCq(IReadOnlyList<Sender> senders)
    {
        var builder = new StringBuilder();
        foreach (var (users, reasons) in Lines(senders))
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

            if (reasons.Length > 0)
            {
                builder.Append(' ').Append(CqCode.Escape(reasons, inParameter: false));
            }
        }

        return builder.ToString();
    }

    /// <summary>The v12 segments: a <c>mention</c> per sender, then a <c>text</c> with the reasons.</summary>
    public static IReadOnlyList<Segment> ToSegments(IReadOnlyList<Sender> senders)
    {
        var segments = new List<Segment>();
        var first = true;
        foreach (var (users, reasons) in Lines(senders))
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

            if (reasons.Length > 0)
            {
                segments.Add(new Segment(Text, " " + reasons));
            }

            first = false;
        }

        return segments;
    }

    private static List<(List<string> Users, string Reasons)> Lines(IReadOnlyList<Sender> senders)
    {
        var lines = new List<(List<string> Users, string Reasons)>();
        foreach (var sender in senders)
        {
            var reasons = string.Join(ReasonSeparator, sender.Reasons);
            var line = lines.FindIndex(l => l.Reasons == reasons);
            if (line < 0)
            {
                lines.Add(([sender.UserId], reasons));
            }
            else
            {
                lines[line].Users.Add(sender.UserId);
            }
        }

        return lines;
    }
}
