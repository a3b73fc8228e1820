using System.Globalization;
using System.Text.Json;
using GroupGuard.Core.Digests;

namespace GroupGuard.Channels;

/// <summary>Robots answer HTTP 200 even when they refuse a message; the code in the body decides.</summary>
internal static class RobotAnswer
{
    public static void EnsureSuccess(
        JsonElement answer,
        string what,
        SecretScrubber scrubber,
        Func<long, string?> hint,
        params ReadOnlySpan<(string Code, string Message)> codeNames)
    {
        if (!ChannelHttp.TryReadCode(answer, out var codeName, out var code, out var message, codeNames))
        {
            throw new DigestChannelException(scrubber.Scrub(
                $"{what}: the robot answered without {codeNames[0].Code}, so the digest may not have arrived{ChannelHttp.Snippet(answer.GetRawText(), scrubber)}"), ChannelErrorKind.Uncertain);
        }

        if (code != 0)
        {
            var explained = hint(code) is { } words ? $" ({words})" : "";
            var said = string.IsNullOrWhiteSpace(message) ? "" : $": {message}";
            throw new DigestChannelException(scrubber.Scrub(
                $"{what}: the robot refused the message, {codeName} {code.ToString(CultureInfo.InvariantCulture)}{explained}{said}"), ChannelErrorKind.Refused);
        }
    }

    /// <summary>Names a part of a split message in failure messages.</summary>
    public static string Describe(string type, string name, int part, int parts) =>
        parts == 1
            ? $"{type} channel '{name}'"
            : $"{type} channel '{name}', part {part + 1} of {parts}{(part > 0 ? " (the parts before it were delivered)" : "")}";
}
