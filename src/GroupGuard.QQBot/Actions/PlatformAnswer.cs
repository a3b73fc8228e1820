using System.Globalization;
using System.Text.Json;

namespace GroupGuard.QQBot.Actions;

/// <summary>
/// What the platform says in a JSON answer: an error is <c>{code, message}</c> (OpenAPI adds
/// <c>err_code</c> and <c>trace_id</c>), and the token endpoint answers even a refusal with HTTP 200.
/// </summary>
internal sealed record PlatformAnswer(JsonElement Root, long? Code, long? ErrCode, string? Message, string? TraceId)
{
    private const int MaxWords = 300;

    /// <summary>An error code other than 0 in the body.</summary>
    public bool IsError => Code is not null and not 0 || ErrCode is not null and not 0;

    public static PlatformAnswer? TryRead(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new PlatformAnswer(root, Number(root, "code"), Number(root, "err_code"), Text(root, "message"), Text(root, "trace_id"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string no .NET string can hold.
            return null;
        }
    }

    /// <summary>The platform's words for an incident: message, codes and trace id (which the platform's support asks for).</summary>
    public string Words()
    {
        var parts = new List<string>(4);
        if (!string.IsNullOrWhiteSpace(Message))
        {
            parts.Add(Actions.Words.Cut(Message.Trim(), MaxWords));
        }

        if (Code is { } code)
        {
            parts.Add($"code {code.ToString(CultureInfo.InvariantCulture)}");
        }

        if (ErrCode is { } errCode && errCode != Code)
        {
            parts.Add($"err_code {errCode.ToString(CultureInfo.InvariantCulture)}");
        }

        if (!string.IsNullOrEmpty(TraceId))
        {
            parts.Add($"trace_id {Actions.Words.Cut(TraceId, 64)}");
        }

        return parts.Count == 0 ? "no reason given" : string.Join(", ", parts);
    }

    private static long? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        } : null;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
