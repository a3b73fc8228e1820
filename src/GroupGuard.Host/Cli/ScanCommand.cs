using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Host.Cli;

/// <summary>
/// <c>groupguard scan</c>: one message a line in, one JSON verdict a line out, in order; a summary
/// on standard error. For trying rules on exported chat before deploying them. With
/// <c>--explain</c>, each verdict also lists its near misses (<see cref="MessageDetector.Explain"/>).
/// </summary>
internal static class ScanCommand
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Loads the rules of <paramref name="folder"/> and scans <paramref name="input"/> with them, as
    /// sent in group <paramref name="groupId"/> when given (else every pack applies and no group's
    /// allow list); exit 1 when they do not load.
    /// </summary>
    public static async Task<int> RunAsync(string folder, TimeProvider time, IWordSegmenter? segmenter, Stream input, Stream output, TextWriter error, bool explain, string? groupId, CancellationToken cancellationToken, bool chat = false)
    {
        var loaded = RuleLoader.Load(folder, time);
        if (loaded.RuleSet is not { } rules)
        {
            await error.WriteLineAsync($"groupguard scan: the rules in {folder} have problems:");
            foreach (var problem in loaded.Errors)
            {
                await error.WriteLineAsync("  " + problem);
            }

            return 1;
        }

        segmenter?.UseTerms(rules.Version, rules.WordTerms);
        return chat
            ? await ScanChatCommand.RunAsync(rules, segmenter, input, output, error, explain, groupId, cancellationToken)
            : await RunAsync(rules, segmenter, input, output, error, cancellationToken, explain, groupId);
    }

    private static async Task<int> RunAsync(RuleSet rules, IWordSegmenter? segmenter, Stream inputStream, Stream output, TextWriter error, CancellationToken cancellationToken, bool explain, string? groupId)
    {
        var clock = Stopwatch.StartNew();
        long lines = 0, flagged = 0, chars = 0, invalid = 0, skipped = 0;
        var perRule = new Dictionary<string, long>(StringComparer.Ordinal);
        using var buffer = new MemoryStream(64 * 1024);
        await using var json = new Utf8JsonWriter(buffer, JsonOptions);

        // Verdicts are written out in 60 KB pieces, and before each read of the input, which may
        // wait: typed at a terminal or piped from tail -f, a line's verdict shows when it is made.
        async ValueTask WriteOutAsync()
        {
            if (buffer.Length > 0)
            {
                await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), CancellationToken.None);
                await output.FlushAsync(CancellationToken.None);
                buffer.SetLength(0);
            }
        }

        var input = new ScanInput(inputStream, MessageLimits.MaxTextLength, WriteOutAsync);

        // Ctrl+C stops the reading, not the report: the verdicts so far are written and counted.
        var interrupted = false;
        try
        {
            while (await input.ReadLineAsync(cancellationToken) is (var line, var invalidUtf8, var tooLong))
            {
                if (tooLong)
                {
                    // Longer than the service takes from one message: it would refuse it, not scan it.
                    lines++;
                    skipped++;
                    WriteSkipped(json, explain);
                    json.Flush();
                    json.Reset();
                    buffer.WriteByte((byte)'\n');
                    continue;
                }

                IReadOnlyList<NearMiss>? misses = null;
                Verdict verdict;
                if (explain)
                {
                    (verdict, misses) = MessageDetector.Explain(rules, line, groupId, segmenter);
                }
                else
                {
                    verdict = MessageDetector.Detect(rules, line, groupId, segmenter);
                }

                lines++;
                chars += line.Length;
                invalid += invalidUtf8 ? 1 : 0;
                if (verdict.Flagged)
                {
                    flagged++;
                    foreach (var hit in verdict.Hits)
                    {
                        perRule[hit.Rule.Id] = perRule.GetValueOrDefault(hit.Rule.Id) + 1;
                    }
                }

                Write(json, verdict, misses, invalidUtf8);
                json.Flush();
                json.Reset();
                buffer.WriteByte((byte)'\n');
                if (buffer.Length >= 60 * 1024)
                {
                    await WriteOutAsync();
                }

                if (lines % 1_000_000 == 0)
                {
                    await error.WriteLineAsync($"scan: {lines:N0} lines, {flagged:N0} flagged, {clock.Elapsed.TotalSeconds:0.0} s");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }

        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), CancellationToken.None);
        await output.FlushAsync(CancellationToken.None);

        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        var summary = new StringBuilder()
            .Append($"scan: {lines:N0} lines, {flagged:N0} flagged ({(lines == 0 ? 0 : 100.0 * flagged / lines):0.##}%), ")
            .Append($"{chars:N0} chars in {seconds:0.00} s ({Rate(chars, seconds)}), rules version {rules.Version}")
            .Append(input.MarkedEncoding is { } encoding ? $"; read as {encoding.WebName} (byte-order mark)" : "")
            .Append(invalid == 0 ? "" : $"; {invalid:N0} {(invalid == 1 ? "line" : "lines")} not valid UTF-8 (bad bytes read as U+FFFD, \"invalid_utf8\": true)")
            .Append(skipped == 0 ? "" : $"; {skipped:N0} {(skipped == 1 ? "line" : "lines")} skipped, longer than {MessageLimits.MaxTextLength:N0} characters (\"skipped\")")
            .Append(interrupted ? "; interrupted, the rest of the input was not read" : "");
        await error.WriteLineAsync(summary.ToString());
        foreach (var (rule, count) in perRule.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            await error.WriteLineAsync($"  {rule}: {count:N0}");
        }

        return interrupted ? GroupGuardCommandLine.InterruptedExitCode : 0;
    }

    /// <summary>The verdict of a line too long to scan: not flagged, and marked so.</summary>
    private static void WriteSkipped(Utf8JsonWriter json, bool explain)
    {
        json.WriteStartObject();
        json.WriteBoolean("flagged", false);
        json.WriteString("skipped", $"longer than {MessageLimits.MaxTextLength} characters");
        json.WriteStartArray("hits");
        json.WriteEndArray();
        if (explain)
        {
            json.WriteStartArray("missed");
            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter json, Verdict verdict, IReadOnlyList<NearMiss>? misses, bool invalidUtf8)
    {
        json.WriteStartObject();
        json.WriteBoolean("flagged", verdict.Flagged);
        if (invalidUtf8)
        {
            json.WriteBoolean("invalid_utf8", true);
        }

        json.WriteStartArray("hits");
        foreach (var hit in verdict.Hits)
        {
            json.WriteStartObject();
            json.WriteString("pack", hit.Rule.PackId);
            json.WriteString("rule", hit.Rule.Id);
            json.WriteString("category", hit.Rule.Category);
            json.WriteString("severity", hit.Rule.Severity.ToString().ToLowerInvariant());
            json.WriteString("matched", hit.Matched);
            json.WriteNumber("start", hit.Start);
            json.WriteNumber("length", hit.Length);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (misses is not null)
        {
            json.WriteStartArray("missed");
            foreach (var miss in misses)
            {
                json.WriteStartObject();
                json.WriteString("pack", miss.Rule.PackId);
                json.WriteString("rule", miss.Rule.Id);
                json.WriteString("matched", miss.Matched);
                json.WriteNumber("start", miss.Start);
                json.WriteNumber("length", miss.Length);
                json.WriteString("why", Why(miss.Reason));
                if (miss.Detail is { } detail)
                {
                    json.WriteString("detail", detail);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    /// <summary>A near miss's reason as <c>scan --explain</c> writes it (listed in README, Rules).</summary>
    internal static string Why(MissReason reason) => reason switch
    {
        MissReason.OtherGroup => "other-group",
        MissReason.InsideAsciiWord => "inside-ascii-word",
        MissReason.AcrossClauseBreak => "across-clause-break",
        MissReason.Allowed => "allowed",
        MissReason.PrecededBy => "preceded-by",
        MissReason.NoTarget => "no-target",
        MissReason.TargetInsideWord => "target-inside-word",
        MissReason.HalfOfDoubledWord => "half-of-doubled-word",
        MissReason.InsideWord => "inside-word",
        MissReason.Near => "near",
        MissReason.AllowedDomain => "allowed-domain",
        _ => reason.ToString(),
    };

    /// <summary>
    /// The throughput for the summary, in a unit that shows it: M chars/s for a corpus, K or plain
    /// chars/s for a few lines, where 0.0 M would say nothing (<c>1.5 K chars/s</c>).
    /// </summary>
    internal static string Rate(long chars, double seconds)
    {
        var perSecond = chars / Math.Max(seconds, 1e-9);
        return perSecond switch
        {
            >= 100_000 => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1e6:0.0} M chars/s"),
            >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1e3:0.0} K chars/s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{perSecond:0} chars/s"),
        };
    }
}
