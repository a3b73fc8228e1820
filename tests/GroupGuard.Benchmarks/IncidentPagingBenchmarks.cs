using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using GroupGuard.Core;
using GroupGuard.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Benchmarks;

/// <summary>
/// The console's incident pages on a million incidents in SQLite: one page of 50 with each kind of
/// filter, as ratios to the unfiltered first page. Keyset paging (<c>id &lt; before</c>) keeps a deep
/// page as cheap as the first; a filter on an indexed column stays cheap however rare its value;
/// text search scans until it has a page, so a rare text is the slow case.
/// </summary>
[Config(typeof(PagingConfig))]
public class IncidentPagingBenchmarks
{
    public const int Rows = 1_000_000;

    private string _folder = "";
    private ServiceProvider? _services;
    private IIncidentBrowser _browser = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "gg-paging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        var database = Path.Combine(_folder, "groupguard.db");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["GroupGuard:Storage:ConnectionString"] = $"Data Source={database}" })
            .Build();
        _services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddGroupGuardStorage(configuration).BuildServiceProvider();
        _services.GetRequiredService<IIncidentStore>().InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        _browser = _services.GetRequiredService<IIncidentBrowser>();

        // A million rows made inside SQLite: 2,000 groups, 50,000 users, 8 rules (one rare), one
        // message in 100,003 with a rare word, a second apart.
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO incidents (time, detected_at, platform, bot_id, group_id, user_id, sender_role, message_id, pack, rule,
                category, severity, matched_term, message_text, decided_action, action_status, rule_set_version, protocol)
            SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000 + i, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000 + i, 'unixepoch'),
                'qq', '10001', 'g' || (i % 2000), 'u' || (i % 50000), 'member', 'm' || i, 'ads',
                CASE WHEN i % 10007 = 0 THEN 'ads.rare' ELSE 'ads.r' || (i % 7) END,
                'ads', 'medium', '加微信',
                CASE WHEN i % 100003 = 0 THEN '第' || i || '条 needle 加微信' ELSE '第' || i || '条消息，有需要的加微信' END,
                'recall', 'done', 'v1', 'onebot.v11'
            FROM n
            """;
        command.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private int Page(IncidentFilter filter, long? before = null) =>
        _browser.BrowseAsync(filter, before, 51, CancellationToken.None).GetAwaiter().GetResult().Count;

    [Benchmark(Baseline = true, Description = "first page, no filter")]
    public int FirstPage() => Page(new IncidentFilter());

    [Benchmark(Description = "the last page (before = id 60)")]
    public int LastPage() => Page(new IncidentFilter(), before: 60);

    [Benchmark(Description = "one group (500 of 1M)")]
    public int OneGroup() => Page(new IncidentFilter { GroupId = "g7" });

    [Benchmark(Description = "a leader's 3 groups")]
    public int LeaderScope() => Page(new IncidentFilter { Scope = ["g7", "g8", "g9"] });

    [Benchmark(Description = "a rare rule (99 of 1M)")]
    public int RareRule() => Page(new IncidentFilter { Rule = "ads.rare" });

    [Benchmark(Description = "one user, one group")]
    public int UserInGroup() => Page(new IncidentFilter { UserId = "u7", GroupId = "g7" });

    [Benchmark(Description = "text search, common")]
    public int TextCommon() => Page(new IncidentFilter { Text = "加微信" });

    [Benchmark(Description = "text search, rare (9 of 1M: scans the table)")]
    public int TextRare() => Page(new IncidentFilter { Text = "needle" });

    private sealed class PagingConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public PagingConfig()
        {
            AddJob(BenchConfig.ShortJob);
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Trend);
        }
    }
}
