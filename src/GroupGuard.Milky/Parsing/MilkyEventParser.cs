using System.Globalization;
using GroupGuard.Core;

namespace GroupGuard.Milky.Parsing;

/// <summary>
/// Reads the bytes of one Milky event, however it came (webhook body, WebSocket message, SSE
/// event), and holds it to <see cref="MilkyLimits"/> and the server clock. Never throws for bad input.
/// </summary>
internal sealed class MilkyEventParser(TimeProvider time)
{
    public MilkyWebhookResult Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length > MilkyLimits.MaxEventBytes)
        {
            return new MilkyWebhookResult(413, $"event over {MilkyLimits.MaxEventBytes} bytes", null);
        }

        try
        {
            using var document = JsonBody.Parse(body);

            var inbound = MilkyEventReader.Read(document.Root);
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

            return new MilkyWebhookResult(204, null, inbound) { BotOffline = MilkyEventReader.OfflineReason(document.Root) };
        }
        catch (Exception ex) when (JsonProblem.Of(ex) is { } reason)
        {
            return new MilkyWebhookResult(400, reason, null);
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
}
