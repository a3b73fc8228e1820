using System.Runtime.InteropServices;
using System.Text.Json;
using GroupGuard.Core.Images;

namespace GroupGuard.OneBot.Actions;

/// <summary>
/// What a v12 <c>get_file</c> answer (interface/file/actions.md) says of a picture: <c>url</c>
/// with optional <c>headers</c> (map of strings), or <c>data</c>, the bytes as base64 (JSON's form
/// of the spec's <c>bytes</c>), or <c>path</c>, which is not used.
/// </summary>
internal static class V12FileAnswer
{
    public const string AsUrl = "url";
    public const string AsData = "data";

    /// <summary>Unsupported Param: the implementation cannot answer the <c>type</c> asked (the spec's way of saying it has no link).</summary>
    public const long UnsupportedParam = 10004;

    /// <summary>Room in an answer for what is not the picture: status, message, name, headers, sha256.</summary>
    private const long AnswerOverhead = 64 * 1024;

    /// <summary>
    /// Bytes of a <c>get_file</c> answer read at most: base64 of <paramref name="maxBytes"/>, an
    /// eighth more for escapes (an encoder that writes <c>+</c> as <c>\u002B</c>), and the rest of the answer.
    /// </summary>
    public static long MaxAnswerBytes(long maxBytes)
    {
        var base64 = (maxBytes + 2) / 3 * 4;
        return Math.Max(OneBotLimits.MaxFrameBytes, base64 + (base64 / 8) + AnswerOverhead);
    }

    /// <summary>
    /// The picture's bytes (<c>data</c>), or its link (<c>url</c>, http or https, with its
    /// <c>headers</c>), or a refusal of bytes past <paramref name="maxBytes"/>; null when the answer
    /// carries neither (a path, another scheme, nothing).
    /// </summary>
    public static PictureLocation? Read(JsonElement data, long maxBytes)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (data.TryGetProperty("data", out var base64) && base64.ValueKind == JsonValueKind.String)
        {
            return Decode(base64, maxBytes);
        }

        return data.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
            && url.GetString() is { Length: > 0 } link && OneBotActionClient.IsHttp(link)
                ? PictureLocation.At(link, Headers(data))
                : null;
    }

    /// <summary>Why an answer that <see cref="Read"/> found nothing in is of no use.</summary>
    public static string Unusable(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String
            ? "get_file answered only a path on the implementation's machine, which is not read"
            : "get_file answered neither an http(s) url nor data";

    /// <summary>
    /// The bytes of <c>data</c>: its length says how many it holds before any is decoded (four
    /// characters carry three bytes, less at most two of padding), so more than
    /// <paramref name="maxBytes"/> is refused undecoded; what is decoded is held to it again.
    /// </summary>
    private static PictureLocation Decode(JsonElement value, long maxBytes)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        long characters = raw.IndexOf((byte)'\\') < 0 ? raw.Length - 2 : value.GetString()!.Length;
        var atLeast = (characters * 3 / 4) - 2;
        if (atLeast > maxBytes)
        {
            return PictureLocation.Refuse($"get_file answered data of at least {atLeast} bytes, more than {maxBytes}");
        }

        if (!value.TryGetBytesFromBase64(out var bytes))
        {
            return PictureLocation.Fail("get_file answered data that is not base64");
        }

        if (bytes.Length > maxBytes)
        {
            return PictureLocation.Refuse($"get_file answered data of {bytes.Length} bytes, more than {maxBytes}");
        }

        return bytes.Length == 0 ? PictureLocation.Fail("get_file answered empty data") : PictureLocation.Of(bytes);
    }

    /// <summary><c>headers</c>: the string entries of the map, to send with the fetch (the fetcher drops what may not be sent).</summary>
    private static Dictionary<string, string>? Headers(JsonElement data)
    {
        if (!data.TryGetProperty("headers", out var headers) || headers.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers.EnumerateObject())
        {
            if (header.Value.ValueKind == JsonValueKind.String && header.Name.Length > 0)
            {
                found[header.Name] = header.Value.GetString()!;
            }
        }

        return found.Count == 0 ? null : found;
    }
}
