using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GroupGuard.Core;

namespace GroupGuard.Host.Cli;

/// <summary>Incidents as JSON lines or CSV, with the same snake_case field names in both.</summary>
internal static class IncidentExport
{
    /// <summary>How a field is written in JSON lines (a value not known is null); in CSV every field is text (empty).</summary>
    private enum Kind
    {
        Text,
        Number,
        Boolean,
        Spans,
    }

    /// <summary>
    /// Every field, in order: the CSV header and each row (and each JSON object) are made from this
    /// one list, so a field added here is in all three at once.
    /// </summary>
    private static readonly (string Name, Kind Kind, Func<Incident, string?> Value)[] Fields =
    [
        ("id", Kind.Number, i => Number(i.Id)),
        ("time", Kind.Text, i => Iso(i.Time)),
        ("detected_at", Kind.Text, i => Iso(i.DetectedAt)),
        ("platform", Kind.Text, i => i.Platform),
        ("protocol", Kind.Text, i => WireNames<Protocol>.ToText(i.Protocol)),
        ("bot_id", Kind.Text, i => i.BotId),
        ("group_id", Kind.Text, i => i.GroupId),
        ("user_id", Kind.Text, i => i.UserId),
        ("sender_name", Kind.Text, i => i.SenderName),
        ("sender_role", Kind.Text, i => Lower(i.SenderRole)),
        ("message_id", Kind.Text, i => i.MessageId),
        ("pack", Kind.Text, i => i.Pack),
        ("rule", Kind.Text, i => i.Rule),
        ("category", Kind.Text, i => i.Category),
        ("severity", Kind.Text, i => Lower(i.Severity)),
        ("matched_term", Kind.Text, i => i.MatchedTerm),
        ("message_text", Kind.Text, i => i.MessageText),
        ("decided_action", Kind.Text, i => Lower(i.DecidedAction)),
        ("action_status", Kind.Text, i => WireNames<ActionStatus>.ToText(i.ActionStatus)),
        ("action_error", Kind.Text, i => i.ActionError),
        ("action_error_kind", Kind.Text, i => i.ActionErrorKind is { } kind ? WireNames<ActionErrorKind>.ToText(kind) : null),
        ("planned_actions", Kind.Text, i => string.Join(' ', i.PlannedActions.Select(WireNames<ModerationAction>.ToText))),
        ("rule_set_version", Kind.Text, i => i.RuleSetVersion),
        ("group_name", Kind.Text, i => i.GroupName),
        ("mute_seconds", Kind.Number, i => Number(i.MuteSeconds)),
        ("escalation_step", Kind.Number, i => Number(i.EscalationStep)),
        ("false_positive", Kind.Boolean, i => i.FalsePositive ? "true" : "false"),
        ("review_note", Kind.Text, i => i.ReviewNote),
        ("reviewed_by", Kind.Text, i => i.ReviewedBy),
        ("normalized_text", Kind.Text, i => i.NormalizedText),
        ("spans", Kind.Spans, i => string.Join(' ', i.Spans.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Start}+{s.Length}")))),
        ("forward_depth", Kind.Number, i => Number(i.ForwardDepth)),
        ("forwarded_from", Kind.Text, i => i.ForwardedFrom),
        ("cleared_messages", Kind.Number, i => Number(i.ClearedMessages)),
        ("clear_failed", Kind.Number, i => Number(i.ClearFailed)),
        ("shadow", Kind.Boolean, i => i.Shadow switch { true => "true", false => "false", null => null }),
        ("exempt_by", Kind.Text, i => i.ExemptBy is { } reason ? WireNames<ExemptReason>.ToText(reason) : null),
    ];

    /// <summary>The field names, in order: the CSV header.</summary>
    public static IReadOnlyList<string> Columns { get; } = [.. Fields.Select(f => f.Name)];

    /// <summary>Each field of <paramref name="incident"/> as a CSV row has it (null where not known), in order: <c>incidents show</c>.</summary>
    public static IEnumerable<(string Name, string? Value)> Describe(Incident incident) =>
        Fields.Select(f => (f.Name, f.Value(incident)));

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
            if (csv)
            {
                await writer.WriteLineAsync(string.Join(',', Fields.Select(f => Csv(f.Value(incident)))));
            }
            else
            {
                buffer.SetLength(0);
                using (var json = new Utf8JsonWriter(buffer, JsonOptions))
                {
                    json.WriteStartObject();
                    foreach (var (name, kind, value) in Fields)
                    {
                        switch (kind)
                        {
                            case Kind.Number:
                                json.WriteNumber(name, long.Parse(value(incident)!, CultureInfo.InvariantCulture));
                                break;
                            case Kind.Boolean when value(incident) is { } flag:
                                json.WriteBoolean(name, flag == "true");
                                break;
                            case Kind.Spans:
                                json.WriteStartArray(name);
                                foreach (var span in incident.Spans)
                                {
                                    json.WriteStartObject();
                                    json.WriteNumber("start", span.Start);
                                    json.WriteNumber("length", span.Length);
                                    json.WriteEndObject();
                                }

                                json.WriteEndArray();
                                break;
                            default:
                                if (value(incident) is { } text)
                                {
                                    json.WriteString(name, text);
                                }
                                else
                                {
                                    json.WriteNull(name);
                                }

                                break;
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

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

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
