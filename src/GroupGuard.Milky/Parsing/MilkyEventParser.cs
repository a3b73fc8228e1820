using System.Globalization;
using System.Text;
using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.Milky.Parsing;

/// <summary>
/// Reads the bytes of one Milky event, however it came (webhook body, WebSocket message, SSE
/// event), and holds it to <see cref="MilkyLimits"/> and the server clock. Never throws for bad input.
/// </summary>
internal sealed class MilkyEventParser(TimeProvider time)
{
    private const int MaxReasonLength = 200;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public MilkyWebhookResult Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length > MilkyLimits.MaxEventBytes)
        {
            return new MilkyWebhookResult(413, $"event over {MilkyLimits.MaxEventBytes} bytes", null);
        }

        // Some senders write a UTF-8 byte order mark; the JSON reader does not skip it.
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                return Malformed("unexpected data after the JSON value");
            }

            var inbound = MilkyEventReader.Read(document.RootElement);
            if (inbound.Message is { } message)
            {
                if (MessageLimits.TimeProblem("data.time", message.Time, time.GetUtcNow()) is { } problem)
                {
                    return new MilkyWebhookResult(400, problem, null);
                }

                if (MessageLimits.ScanLength(message) > MessageLimits.MaxTextLength)
                {
                    return new MilkyWebhookResult(413, $"message text over {MessageLimits.MaxTextLength} characters", null);
                }
            }

            return new MilkyWebhookResult(204, null, inbound);
        }
        catch (JsonException ex)
        {
            return Malformed(ShortReason(ex));
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DecoderFallbackException)
        {
            return Malformed("invalid UTF-8 in a string");
        }
        catch (InvalidOperationException ex) when (ex.TargetSite?.DeclaringType?.Assembly == typeof(JsonElement).Assembly)
        {
            // The reader takes any \u escape; only reading the string finds that \ud800 alone is no character.
            return Malformed("a \\u escape in a string is a lone UTF-16 surrogate");
        }
        catch (MalformedMilkyEventException ex)
        {
            return new MilkyWebhookResult(400, ex.Message, null);
        }
        catch (OversizedMilkyEventException ex)
        {
            return new MilkyWebhookResult(413, ex.Message, null);
        }
    }

    private static MilkyWebhookResult Malformed(string reason)
    {
        if (reason.Length > MaxReasonLength)
        {
            reason = string.Concat(reason.AsSpan(0, MaxReasonLength), "…");
        }

        return new MilkyWebhookResult(400, "malformed JSON: " + reason, null);
    }

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
