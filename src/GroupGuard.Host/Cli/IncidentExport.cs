using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.Host.Cli;

/// <summary>Incidents as JSON lines or CSV, with the same snake_case field names in both.</summary>
internal static class IncidentExport
{
    public static readonly string[] Columns =
    [
        "id", "time", "detected_at", "platform", "protocol", "bot_id", "group_id", "user_id", "sender_name", "sender_role",
        "message_id", "pack", "rule", "category", "severity", "matched_term", "message_text",
        "decided_action", "action_status", "action_error", "action_error_kind", "planned_actions", "rule_set_version",
        "group_name", "mute_seconds", "escalation_step", "false_positive", "review_note", "reviewed_by", "normalized_text", "spans",
    ];

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Chinese text stays readable in the export; the output is not embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> WriteAsync(IAsyncEnumerable<Incident> incidents, string format, Stream output, CancellationToken cancellationToken)
    {
        var count = 0;
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        var csv = format == "csv";
        if (csv)
        {
            await writer.WriteLineAsync(string.Join(',', Columns));
        }

        var buffer = new MemoryStream();
        await foreach (var incident in incidents.WithCancellation(cancellationToken))
        {
            var values = Values(incident);
            if (csv)
            {
                await writer.WriteLineAsync(string.Join(',', values.Select(v => Csv(v.Value))));
            }
            else
            {
                buffer.SetLength(0);
                using (var json = new Utf8JsonWriter(buffer, JsonOptions))
                {
                    json.WriteStartObject();
                    foreach (var (name, value) in values)
                    {
                        if (name is "id" or "mute_seconds" or "escalation_step")
                        {
                            json.WriteNumber(name, long.Parse(value!, CultureInfo.InvariantCulture));
                        }
                        else if (name == "false_positive")
                        {
                            json.WriteBoolean(name, incident.FalsePositive);
                        }
                        else if (name == "spans")
                        {
                            json.WriteStartArray(name);
                            foreach (var span in incident.Spans)
                            {
                                json.WriteStartObject();
                                json.WriteNumber("start", span.Start);
                                json.WriteNumber("length", span.Length);
                                json.WriteEndObject();
                            }

                            json.WriteEndArray();
                        }
                        else if (value is null)
                        {
                            json.WriteNull(name);
                        }
                        else
                        {
                            json.WriteString(name, value);
                        }
                    }

                    json.WriteEndObject();
                }

                await writer.WriteLineAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            }

            count++;
        }

        await writer.FlushAsync(cancellationToken);
        return count;
    }

    private static (string Name, string? Value)[] Values(Incident i) =>
    [
        ("id", i.Id.ToString(CultureInfo.InvariantCulture)),
        ("time", Iso(i.Time)),
        ("detected_at", Iso(i.DetectedAt)),
        ("platform", i.Platform),
        ("protocol", WireNames<Protocol>.ToText(i.Protocol)),
        ("bot_id", i.BotId),
        ("group_id", i.GroupId),
        ("user_id", i.UserId),
        ("sender_name", i.SenderName),
        ("sender_role", Lower(i.SenderRole)),
        ("message_id", i.MessageId),
        ("pack", i.Pack),
        ("rule", i.Rule),
        ("category", i.Category),
        ("severity", Lower(i.Severity)),
        ("matched_term", i.MatchedTerm),
        ("message_text", i.MessageText),
        ("decided_action", Lower(i.DecidedAction)),
        ("action_status", WireNames<ActionStatus>.ToText(i.ActionStatus)),
        ("action_error", i.ActionError),
        ("action_error_kind", i.ActionErrorKind is { } kind ? WireNames<ActionErrorKind>.ToText(kind) : null),
        ("planned_actions", string.Join(' ', i.PlannedActions.Select(WireNames<ModerationAction>.ToText))),
        ("rule_set_version", i.RuleSetVersion),
        ("group_name", i.GroupName),
        ("mute_seconds", i.MuteSeconds.ToString(CultureInfo.InvariantCulture)),
        ("escalation_step", i.EscalationStep.ToString(CultureInfo.InvariantCulture)),
        ("false_positive", i.FalsePositive ? "true" : "false"),
        ("review_note", i.ReviewNote),
        ("reviewed_by", i.ReviewedBy),
        ("normalized_text", i.NormalizedText),
        ("spans", string.Join(' ', i.Spans.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Start}+{s.Length}")))),
        ("forward_depth", i.ForwardDepth.ToString(CultureInfo.InvariantCulture)),
        ("forwarded_from", i.ForwardedFrom),
        ("cleared_messages", i.ClearedMessages.ToString(CultureInfo.InvariantCulture)),
        ("clear_failed", i.ClearFailed.ToString(CultureInfo.InvariantCulture)),
    ];

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Lower<T>(T value)
        where T : struct, Enum => WireNames<T>.ToText(value);

    /// <summary>
    /// RFC 4180: quote a field holding a comma, quote, or line break; double inner quotes. A field
    /// that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
    /// return; a member can write such a message or nickname) gets a leading apostrophe, so the
    /// spreadsheet shows it as text. A plain number (a signed message id) is no formula and stays.
    /// </summary>
    internal static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '＝' or '＋' or '－' or '＠'
            && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
