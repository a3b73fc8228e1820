using System.Text;
using System.Text.Json;

namespace GroupGuard.Core;

/// <summary>
/// Why a body is not JSON an adapter can read, in a short reason a sender can act on (the
/// reader's first sentence and where it stopped, never a stack trace). Every adapter answers its
/// malformed bodies with these words.
/// </summary>
public static class JsonProblem
{
    /// <summary>Characters of a reason at most; a longer one is cut.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>"malformed JSON: …" for <paramref name="reason"/>, cut to <see cref="MaxReasonLength"/>.</summary>
    public static string Malformed(string reason) =>
        "malformed JSON: " + (reason.Length > MaxReasonLength ? string.Concat(reason.AsSpan(0, MaxReasonLength), "…") : reason);

    /// <summary>The reason for an exception thrown while reading a body, or null when it is not about the JSON.</summary>
    public static string? Of(Exception exception) => exception switch
    {
        JsonException json => Malformed(ShortReason(json)),
        InvalidOperationException { InnerException: DecoderFallbackException } => Malformed("invalid UTF-8 in a string"),

        // The reader takes any \u escape; only reading the string finds that \ud800 alone is no character.
        InvalidOperationException other when other.TargetSite?.DeclaringType?.Assembly == typeof(JsonElement).Assembly =>
            Malformed("a \\u escape in a string is a lone UTF-16 surrogate"),
        _ => null,
    };

    /// <summary>The reader's first sentence and where it stopped, without its advice to developers.</summary>
    private static string ShortReason(JsonException ex)
    {
        var message = ex.Message;
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        var reason = end > 0 ? message[..end] : message.TrimEnd('.');
        return ex.LineNumber is { } line && ex.BytePositionInLine is { } offset
            ? $"{reason} (line {line + 1}, offset {offset})"
            : reason;
    }
}
