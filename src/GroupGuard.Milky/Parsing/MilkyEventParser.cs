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
    private static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(MilkyLimits.MaxMinutesAhead);
    private static readonly TimeSpan MaxBehind = TimeSpan.FromDays(MilkyLimits.MaxDaysBehind);

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
                if (TimeProblem(message.Time) is { } problem)
                {
                    return new MilkyWebhookResult(400, problem, null);
                }

                if (TextLength(message) > MilkyLimits.MaxTextLength)
                {
                    return new MilkyWebhookResult(413, $"message text over {MilkyLimits.MaxTextLength} characters", null);
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

    private string? TimeProblem(DateTimeOffset messageTime)
    {
        var now = time.GetUtcNow();
        if (messageTime - now > MaxAhead)
        {
            return $"field 'data.time' {Utc(messageTime)} is more than {MilkyLimits.MaxMinutesAhead} minutes ahead of the server clock {Utc(now)}";
        }

        return now - messageTime > MaxBehind
            ? $"field 'data.time' {Utc(messageTime)} is more than {MilkyLimits.MaxDaysBehind} days behind the server clock {Utc(now)}"
            : null;
    }

    /// <summary>What the rules would read (<see cref="ChatMessage.ScanText"/>), counted without building it.</summary>
    private static long TextLength(ChatMessage message)
    {
        long length = message.Text.Length;
        foreach (var card in message.Cards)
        {
            length += (card.Title?.Length ?? 0) + (card.Description?.Length ?? 0) + (card.Url?.Length ?? 0);
        }

        return length;
    }

    private static string Utc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

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
