using BenchmarkDotNet.Attributes;
using System.Data.Common;
using BenchmarkDotNet.Jobs;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Storage;
using GroupGuard.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GroupGuard.Benchmarks;

/// <summary>
/// Incidents stored per second on each provider, as the moderation worker stores them: one call
/// per message, holding that message's one incident. One operation stores
/// <see cref="Messages"/> messages, by one writer (one instance) or by two writers at once (two
/// instances, each with its own database object: on SQLite two connections pools on one file, on
/// PostgreSQL two pools on one database), into an incidents table that already holds
/// <see cref="Prefilled"/> rows (every index of it filled, as in a database some time in use). The
/// column "ratio to sqlite, 1" is each case's incidents per second over those of SQLite with one
/// writer in the same run. PostgreSQL is the test suite's throwaway server
/// (<c>GROUPGUARD_TEST_POSTGRES</c>, or one started from Debian's packages), with fsync off: its
/// figures are an upper bound for a server that syncs to disk.
/// </summary>
[Config(typeof(StorageConfig))]
public class StorageBenchmarks
{
    public const int Messages = 2000;

    /// <summary>Incidents in the table before the first measured write: 200,000, ten seconds apart before the stored ones.</summary>
    public const int Prefilled = 200_000;

    private PostgresServer? _postgres;
    private string _folder = "";
    private readonly List<ServiceProvider> _instances = [];
    private IIncidentStore[] _stores = [];
    private long _next;

    [Params("sqlite", "postgres")]
    public string Provider { get; set; } = "sqlite";

    [Params(1, 2)]
    public int Instances { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "gg-storage-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        string connectionString;
        if (Provider == "postgres")
        {
            _postgres = new PostgresServer();
            connectionString = _postgres.CreateDatabaseAsync("bench").GetAwaiter().GetResult();
        }
        else
        {
            connectionString = $"Data Source={Path.Combine(_folder, "groupguard.db")}";
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GroupGuard:Storage:Provider"] = Provider,
                ["GroupGuard:Storage:ConnectionString"] = connectionString,
            })
            .Build();
        for (var i = 0; i < Instances; i++)
        {
            var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddGroupGuardStorage(configuration).BuildServiceProvider();
            _instances.Add(services);
            services.GetRequiredService<IIncidentStore>().InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        _stores = [.. _instances.Select(s => s.GetRequiredService<IIncidentStore>())];
        Prefill(connectionString);
    }

    // The rows go in as one statement inside the database, as IncidentPagingBenchmarks makes its
    // million: 200 groups, 5,000 users, message ids and times of their own (none collides with a
    // stored incident), commit numbers as the store gives them. About ten seconds a case on a
    // loaded 2-core machine (the four cases ran in 95 s, their measured writes included).
    private void Prefill(string connectionString)
    {
        var first = Start.ToUnixTimeSeconds() - (Prefilled * 10L);
        const string Columns = """
            time, detected_at, platform, bot_id, group_id, user_id, sender_name, sender_role, message_id, pack, rule,
            category, severity, matched_term, message_text, decided_action, action_status, rule_set_version, protocol, commit_seq
            """;
        var values = $"""
            'qq', '10001', 'g' || (i % 200), 'u' || (i % 5000), '小明', '{WireNames<SenderRole>.ToText(SenderRole.Member)}', 'p' || i, 'ads', 'ads.contact-id',
            'ads', '{WireNames<Severity>.ToText(Severity.Medium)}', '加微信', '第' || i || '条：有需要的加微信 abc' || i,
            '{WireNames<ModerationAction>.ToText(ModerationAction.Recall)}', '{WireNames<ActionStatus>.ToText(ActionStatus.Done)}', 'v1', '{WireNames<Protocol>.ToText(Protocol.OneBotV11)}'
            """;
        using DbConnection connection = Provider == "postgres"
            ? new NpgsqlConnection(connectionString)
            : new SqliteConnection(connectionString + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandTimeout = 600;
        command.CommandText = Provider == "postgres"
            ? $"""
                INSERT INTO incidents ({Columns})
                SELECT to_char(to_timestamp({first} + i * 10) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    to_char(to_timestamp({first} + i * 10) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    {values}, nextval('incident_commit_seq')
                FROM generate_series(1, {Prefilled}) AS i
                """
            : $"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Prefilled})
                INSERT INTO incidents ({Columns})
                SELECT strftime('%Y-%m-%dT%H:%M:%fZ', {first} + i * 10, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', {first} + i * 10, 'unixepoch'),
                    {values}, i
                FROM n
                """;
        var inserted = command.ExecuteNonQuery();
        if (inserted != Prefilled)
        {
            throw new InvalidOperationException($"The incidents table was to be filled with {Prefilled} rows, and {inserted} went in.");
        }

        if (Provider == "postgres")
        {
            // What autovacuum would do before long: the planner's figures for the filled table.
            command.CommandText = "ANALYZE incidents";
            command.ExecuteNonQuery();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var services in _instances)
        {
            services.Dispose();
        }

        SqliteConnection.ClearAllPools();
        _postgres?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "store 2,000 messages' incidents")]
    public async Task<long> Store()
    {
        var stored = await Task.WhenAll(_stores.Select(async store =>
        {
            long count = 0;
            for (var i = 0; i < Messages / _stores.Length; i++)
            {
                var ids = await store.AddAsync([Incident(Interlocked.Increment(ref _next))], CancellationToken.None);
                count += ids.Count(id => id != 0);
            }

            return count;
        }));
        return stored.Sum();
    }

    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.FromHours(8));

    private static Incident Incident(long n) => new()
    {
        Time = Start.AddMilliseconds(n),
        DetectedAt = Start.AddMilliseconds(n + 50),
        Platform = "qq",
        Protocol = Protocol.OneBotV11,
        BotId = "10001",
        GroupId = "g" + (n % 200),
        UserId = "u" + (n % 5000),
        SenderName = "小明",
        SenderRole = SenderRole.Member,
        MessageId = "m" + n,
        Pack = "ads",
        Rule = "ads.contact-id",
        Category = "ads",
        Severity = Severity.Medium,
        MatchedTerm = "加微信",
        MessageText = $"第{n}条：有需要的加微信 abc{n}",
        DecidedAction = ModerationAction.Recall,
        ActionStatus = ActionStatus.Pending,
        RuleSetVersion = "v1",
    };

    private sealed class StorageConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public StorageConfig()
        {
            AddJob(BenchConfig.ShortJob);
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
            AddColumn(new IncidentsPerSecondColumn(), new RatioToOneSqliteWriterColumn());
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Trend);
        }
    }

    /// <summary>
    /// Each case's incidents per second over those of SQLite with one writer (its mean time over
    /// this case's), in the same run: what BenchmarkDotNet's Ratio column would be if a parameter
    /// could be the baseline. Above 1 stores faster.
    /// </summary>
    private sealed class RatioToOneSqliteWriterColumn : BenchmarkDotNet.Columns.IColumn
    {
        public string Id => nameof(RatioToOneSqliteWriterColumn);
        public string ColumnName => "ratio to sqlite, 1";
        public bool AlwaysShow => true;
        public BenchmarkDotNet.Columns.ColumnCategory Category => BenchmarkDotNet.Columns.ColumnCategory.Custom;
        public int PriorityInCategory => 1;
        public bool IsNumeric => true;
        public BenchmarkDotNet.Columns.UnitType UnitType => BenchmarkDotNet.Columns.UnitType.Dimensionless;
        public string Legend => "Incidents/s over those of SQLite with one writer in the same run (its mean time over this case's)";

        public bool IsDefault(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(BenchmarkDotNet.Reports.Summary summary) => true;

        public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) =>
            GetValue(summary, benchmarkCase, BenchmarkDotNet.Reports.SummaryStyle.Default);

        public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, BenchmarkDotNet.Reports.SummaryStyle style)
        {
            var baseline = summary.BenchmarksCases.FirstOrDefault(c =>
                c.Descriptor.Type == benchmarkCase.Descriptor.Type
                && c.Parameters["Provider"] is "sqlite"
                && c.Parameters["Instances"] is 1);
            return baseline is not null
                && summary[baseline]?.ResultStatistics is { Mean: > 0 } reference
                && summary[benchmarkCase]?.ResultStatistics is { Mean: > 0 } statistics
                ? (reference.Mean / statistics.Mean).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)
                : "-";
        }
    }

    /// <summary>Incidents stored per second, from the mean time of one operation.</summary>
    private sealed class IncidentsPerSecondColumn : BenchmarkDotNet.Columns.IColumn
    {
        public string Id => nameof(IncidentsPerSecondColumn);
        public string ColumnName => "incidents/s";
        public bool AlwaysShow => true;
        public BenchmarkDotNet.Columns.ColumnCategory Category => BenchmarkDotNet.Columns.ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public BenchmarkDotNet.Columns.UnitType UnitType => BenchmarkDotNet.Columns.UnitType.Dimensionless;
        public string Legend => "Incidents stored per second (mean)";

        public bool IsDefault(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(BenchmarkDotNet.Reports.Summary summary) => true;

        public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) =>
            GetValue(summary, benchmarkCase, BenchmarkDotNet.Reports.SummaryStyle.Default);

        public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, BenchmarkDotNet.Reports.SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            return report?.ResultStatistics is { Mean: > 0 } statistics
                ? (Messages / (statistics.Mean / 1e9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
                : "-";
        }
    }
}
