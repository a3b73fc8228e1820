using System.Text;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Host.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests;

public sealed class ExportTests
{
    private static async Task<(int Exit, string Output, string Error)> ExportAsync(GroupGuardFactory service, string format = "jsonl", DateTimeOffset? since = null)
    {
        var store = service.Services.GetRequiredService<IIncidentStore>();
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var exit = await IncidentsCommand.ExportAsync(format, since, store, output, error, CancellationToken.None);
        return (exit, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }

    private static async Task<GroupGuardFactory> ServiceWithTwoIncidentsAsync()
    {
        var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.Sample("napcat-group-array.json"));
        await service.PostV11Async(GroupGuardFactory.Sample("napcat-group-string.json"));
        Assert.Equal(2, (await service.IncidentsAfterAsync(2)).Count);
        return service;
    }

    [Fact]
    public async Task Jsonl_export_writes_one_object_per_incident_with_snake_case_fields()
    {
        using var service = await ServiceWithTwoIncidentsAsync();

        var (exit, output, error) = await ExportAsync(service);

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        var row = first.RootElement;
        Assert.Equal("123456", row.GetProperty("group_id").GetString());
        Assert.Equal("20002", row.GetProperty("user_id").GetString());
        Assert.Equal("onebot.v11", row.GetProperty("protocol").GetString());
        Assert.Equal("-2147001234", row.GetProperty("message_id").GetString());
        Assert.Equal("ads.contact", row.GetProperty("rule").GetString());
        Assert.Equal("test-ads", row.GetProperty("pack").GetString());
        Assert.Equal("medium", row.GetProperty("severity").GetString());
        Assert.Equal("加微信", row.GetProperty("matched_term").GetString());
        Assert.Equal("recall", row.GetProperty("decided_action").GetString());
        Assert.False(string.IsNullOrEmpty(row.GetProperty("action_status").GetString()));
        Assert.Contains("加微信", row.GetProperty("message_text").GetString(), StringComparison.Ordinal);
        Assert.Contains("加微信", lines[0], StringComparison.Ordinal); // readable, not \u-escaped
        Assert.Contains("2 incidents", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_tells_a_shadow_rule_s_hit_from_a_dry_run_and_from_an_incident_recorded_before_shadow_was_kept()
    {
        const string Pack = """
            pack: test-ads
            category: ads
            severity: medium
            action: recall
            rules:
              - id: ads.contact
                terms: [加微信]
              - id: ads.trial
                terms: [私聊领取]
                mode: shadow
            """;
        using var service = new GroupGuardFactory(rulePack: Pack);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(931, "加微信领资料"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(932, "私聊领取资料"));
        Assert.Equal(2, (await service.IncidentsAfterAsync(2)).Count);

        var (_, jsonl, _) = await ExportAsync(service);
        var (_, csv, _) = await ExportAsync(service, "csv");

        var rows = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(r => r.GetProperty("rule").GetString()!);
        Assert.False(rows["ads.contact"].GetProperty("shadow").GetBoolean());
        Assert.True(rows["ads.trial"].GetProperty("shadow").GetBoolean());
        Assert.Equal("dry_run", rows["ads.trial"].GetProperty("action_status").GetString());
        var header = CsvRows(csv)[0];
        var shadows = CsvRows(csv).Skip(1).ToDictionary(r => r[header.IndexOf("rule")], r => r[header.IndexOf("shadow")]);
        Assert.Equal("false", shadows["ads.contact"]);
        Assert.Equal("true", shadows["ads.trial"]);

        // An incident recorded before the column existed: not known, neither true nor false.
        using var output = new MemoryStream();
        await IncidentExport.WriteAsync(Earlier(Incidents.Of() with { Shadow = null }), "jsonl", output, CancellationToken.None);
        using var earlier = JsonDocument.Parse(Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(JsonValueKind.Null, earlier.RootElement.GetProperty("shadow").ValueKind);

        static async IAsyncEnumerable<Incident> Earlier(Incident incident)
        {
            await Task.Yield();
            yield return incident;
        }
    }

    [Fact]
    public async Task Csv_export_has_a_header_and_quotes_what_needs_it()
    {
        using var service = await ServiceWithTwoIncidentsAsync();

        var (exit, output, _) = await ExportAsync(service, "csv");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("id,time,detected_at,platform,protocol,bot_id,group_id,user_id", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"[CQ", output.Replace("看这里 https://prize.xyz/get [限时]", "\"[CQ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(",ads.site,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_export_header_is_the_readme_field_list_and_every_row_has_one_value_per_column()
    {
        using var service = await ServiceWithTwoIncidentsAsync();
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var listed = readme[(readme.IndexOf("Fields: `", StringComparison.Ordinal) + "Fields: `".Length)..];
        var fields = listed[..listed.IndexOf('`', StringComparison.Ordinal)].Split(',', StringSplitOptions.TrimEntries);

        var (exit, output, _) = await ExportAsync(service, "csv");
        var (_, jsonl, _) = await ExportAsync(service);

        Assert.Equal(0, exit);
        var rows = CsvRows(output);
        Assert.Equal(3, rows.Count);
        Assert.Equal(fields, rows[0]);
        Assert.All(rows, row => Assert.Equal(fields.Length, row.Count));
        var csvRow = rows[1].Zip(fields).ToDictionary(p => p.Second, p => p.First);
        Assert.Equal("0", csvRow["forward_depth"]);
        Assert.Equal("0", csvRow["cleared_messages"]);

        // JSON lines have the same fields, the counts as numbers.
        using var first = JsonDocument.Parse(jsonl.Split('\n')[0]);
        Assert.Equal(fields, first.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var count in new[] { "id", "mute_seconds", "escalation_step", "forward_depth", "cleared_messages", "clear_failed" })
        {
            Assert.Equal(JsonValueKind.Number, first.RootElement.GetProperty(count).ValueKind);
        }
    }

    /// <summary>RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private static List<List<string>> CsvRows(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.False(quoted, "the export ends inside a quoted field");
        Assert.True(field.Length == 0 && row.Count == 0, "the export's last line has no line break");
        return rows;
    }

    [Fact]
    public async Task Export_of_a_damaged_row_names_it_in_one_line_and_exits_1()
    {
        using var service = await ServiceWithTwoIncidentsAsync();
        await using (var database = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={service.DatabasePath};Pooling=False"))
        {
            await database.OpenAsync();
            await using var damage = database.CreateCommand();
            damage.CommandText = "UPDATE incidents SET detected_at = 'last tuesday' WHERE id = (SELECT MAX(id) FROM incidents)";
            Assert.Equal(1, await damage.ExecuteNonQueryAsync());
        }

        using var output = new MemoryStream();
        using var error = new StringWriter();
        var exit = await GroupGuardCommandLine.InvokeAsync(
            ["incidents", "export", $"--GroupGuard:Storage:ConnectionString=Data Source={service.DatabasePath}"], TextWriter.Null, error, CancellationToken.None, standardOutput: output);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("groupguard: Incident ", line, StringComparison.Ordinal);
        Assert.Contains("'last tuesday'", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\",\"点我\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"点我\"\")\"")]
    [InlineData("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("＝1+1", "'＝1+1")]
    [InlineData("-2147001234", "-2147001234")]
    [InlineData("加微信 -_-", "加微信 -_-")]
    public void A_csv_field_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(string value, string written) =>
        Assert.Equal(written, IncidentExport.Csv(value));

    [Fact]
    public async Task Since_keeps_only_later_incidents_and_a_bad_value_is_refused()
    {
        using var service = await ServiceWithTwoIncidentsAsync();

        // The two samples were sent at 1764150000 and 1764150060 (unix seconds).
        var (exit, output, _) = await ExportAsync(service, since: DateTimeOffset.FromUnixTimeSeconds(1764150030));
        using var badError = new StringWriter();
        var badExit = await GroupGuardCommandLine.InvokeAsync(["incidents", "export", "--since", "yesterday-ish"], TextWriter.Null, badError);

        Assert.Equal(0, exit);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("ads.site", output, StringComparison.Ordinal);
        Assert.Equal(2, badExit);
        Assert.Contains("--since must be an ISO-8601 time", badError.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>The export verb run as an operator runs it, pointed at the wrong place.</summary>
public sealed class ExportWithoutDatabaseTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string Folder => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("incidents", "export")]
    [InlineData("digest", "list")]
    public async Task Reading_verbs_name_the_missing_database_and_create_none(string noun, string verb)
    {
        var outcome = await GroupGuardProcess.RunAsync(Folder, new Dictionary<string, string>(), TimeSpan.FromSeconds(90), noun, verb);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains(Path.Combine(Folder, "data", "groupguard.db"), outcome.Error, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Storage:ConnectionString", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(outcome.Output);
        Assert.False(File.Exists(Path.Combine(Folder, "data", "groupguard.db")));
    }
}
