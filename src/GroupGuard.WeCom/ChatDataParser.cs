using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.WeCom;

/// <summary>
/// Reads the body <c>GetChatData</c> fills its slice with:
/// <c>{"errcode":0,"errmsg":"ok","chatdata":[{"seq":…,"msgid":…,"publickey_ver":…,"encrypt_random_key":…,"encrypt_chat_msg":…}]}</c>.
/// </summary>
internal static class ChatDataParser
{
    /// <summary>The most records one call may ask for and answer with (Tencent's limit).</summary>
    public const int MaxRecords = 1000;

    private const int MaxErrMsgChars = 200;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    /// <summary>The records of <paramref name="body"/>; throws <see cref="FinanceSdkException"/> for an <c>errcode</c> other than 0 or a body of another shape.</summary>
    public static IReadOnlyList<EncryptedRecord> Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(JsonSurrogates.Mended(body.Span) ?? body, Options);
        }
        catch (JsonException ex)
        {
            throw Malformed($"is not JSON ({ex.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed($"is a JSON {Kind(root)}, not an object");
            }

            if (!root.TryGetProperty("errcode", out var errcode) || errcode.ValueKind != JsonValueKind.Number || !errcode.TryGetInt32(out var code))
            {
                throw Malformed("has no whole-number errcode");
            }

            if (code != 0)
            {
                var errmsg = root.TryGetProperty("errmsg", out var m) && m.ValueKind == JsonValueKind.String ? ErrMsg(m) : "";
                if (errmsg.Length > MaxErrMsgChars)
                {
                    errmsg = errmsg[..MaxErrMsgChars] + "…";
                }

                throw new FinanceSdkException($"GetChatData failed: errcode {FinanceSdkErrors.Describe(code)}, errmsg \"{errmsg}\"", code);
            }

            if (!root.TryGetProperty("chatdata", out var chatdata) || chatdata.ValueKind != JsonValueKind.Array)
            {
                throw Malformed("has no chatdata array");
            }

            var count = chatdata.GetArrayLength();
            if (count > MaxRecords)
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture, $"holds {count} records, more than the {MaxRecords} a call may ask for"));
            }

            var records = new List<EncryptedRecord>(count);
            var index = 0;
            foreach (var item in chatdata.EnumerateArray())
            {
                records.Add(Record(item, index++));
            }

            return records;
        }
    }

    /// <summary>
    /// One record. Without a readable <c>seq</c> it has no place in the archive and the page is
    /// refused; with one, a field that is missing or of another kind makes it a record with a
    /// <see cref="EncryptedRecord.Problem"/>, passed over alone.
    /// </summary>
    private static EncryptedRecord Record(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(string.Create(CultureInfo.InvariantCulture, $"has a record {index} that is a JSON {Kind(item)}, not an object"));
        }

        ulong seq = item.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetUInt64(out var parsedSeq)
            ? parsedSeq
            : throw Missing(index, "seq", "a whole number");
        try
        {
            int version = item.TryGetProperty("publickey_ver", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var parsedVersion)
                ? parsedVersion
                : throw new BadField("publickey_ver is not a whole number");
            return new EncryptedRecord(
                seq,
                Text(item, "msgid"),
                version,
                Text(item, "encrypt_random_key"),
                Text(item, "encrypt_chat_msg"));
        }
        catch (BadField ex)
        {
            return Unreadable(seq, ex.Message);
        }
        catch (InvalidOperationException ex) when (JsonProblem.Of(ex) is { } reason)
        {
            // A string the reader took that is no text (bytes that are not UTF-8; half emoji are mended before parsing).
            return Unreadable(seq, "a field with " + reason);
        }
    }

    private static EncryptedRecord Unreadable(ulong seq, string problem) =>
        new(seq, "", 0, "", "") { Problem = "its " + problem };

    /// <summary>The error's message, or what is wrong with it when it is no text.</summary>
    private static string ErrMsg(JsonElement value)
    {
        try
        {
            return value.GetString() ?? "";
        }
        catch (InvalidOperationException ex) when (JsonProblem.Of(ex) is { } reason)
        {
            return "(" + reason + ")";
        }
    }

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new BadField($"{name} is not a non-empty string");

    private static FinanceSdkException Missing(int index, string name, string what) =>
        Malformed(string.Create(CultureInfo.InvariantCulture, $"has a record {index} whose {name} is not {what}"));

    private static FinanceSdkException Malformed(string what) =>
        new($"GetChatData's answer {what}: it is not the chat data WeCom's SDK gives; check that GroupGuard:WeCom:Archive:SdkPath is Tencent's libWeWorkFinanceSdk_C.so");

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    private sealed class BadField(string message) : Exception(message);
}
