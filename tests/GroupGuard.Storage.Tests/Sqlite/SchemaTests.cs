using Dapper;
using GroupGuard.Core;
using GroupGuard.Storage.Migrations;
using GroupGuard.Storage.Sqlite;
using GroupGuard.Storage.Stores;
using GroupGuard.Storage.Tests.Stores;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Storage.Tests.Sqlite;

public sealed class SchemaTests
{
    /// <summary>The version a migration added after the shipped ones gets.</summary>
    private static readonly int Next = SqliteDatabase.Embedded[^1].Version + 1;

    [Fact]
    public async Task Initialize_creates_the_schema_in_wal_mode()
    {
        using var harness = new SqliteStoreHarness();

        await harness.Store.InitializeAsync(CancellationToken.None);

        using var db = harness.OpenRaw();
        var tables = db.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").ToList();
        Assert.Contains("incidents", tables);
        Assert.Contains("schema_version", tables);
        Assert.Contains("storage_health", tables);
        var indexes = db.Query<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents'").ToList();
        Assert.Contains("ux_incidents_message_rule", indexes);
        Assert.Contains("ix_incidents_time", indexes);
        Assert.Contains("ix_incidents_group_time", indexes);
        // A fresh connection sees WAL: the mode is stored in the file, not per connection.
        Assert.Equal("wal", db.ExecuteScalar<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Initialize_twice_is_a_no_op_that_keeps_incidents_and_records_each_migration_once()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Samples.Incident()], CancellationToken.None);

        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.CreateStore().InitializeAsync(CancellationToken.None); // as at the next start

        using var db = harness.OpenRaw();
        var versions = db.Query<int>("SELECT version FROM schema_version ORDER BY version").ToList();
        var embedded = SqliteDatabase.Embedded.Select(m => m.Version).ToList();
        Assert.NotEmpty(embedded);
        Assert.Equal(embedded, versions);
        Assert.Single(await harness.QueryAllAsync());
    }

    [Fact]
    public async Task Schema_version_records_name_and_time_of_each_migration()
    {
        using var harness = new SqliteStoreHarness();

        await harness.Store.InitializeAsync(CancellationToken.None);

        using var db = harness.OpenRaw();
        var row = db.QuerySingle<(long Version, string Name, string AppliedAt)>("SELECT version, name, applied_at FROM schema_version WHERE version = 1");
        Assert.Equal("0001_initial", row.Name);
        Assert.Equal("2025-03-01T12:00:00.000Z", row.AppliedAt);
    }

    [Fact]
    public async Task Initialize_creates_a_nested_folder_for_the_database()
    {
        using var harness = new SqliteStoreHarness(Path.Combine("data", "nested", "groupguard.db"));
        Assert.False(Directory.Exists(Path.GetDirectoryName(harness.DatabasePath)));

        await harness.Store.InitializeAsync(CancellationToken.None);

        Assert.True(File.Exists(harness.DatabasePath));
        Assert.Equal(harness.DatabasePath, harness.Store.Location);
    }

    [Fact]
    public void A_relative_data_source_is_resolved_against_the_current_directory()
    {
        var store = new IncidentStore(
            new SqliteDatabase("Data Source=data/groupguard.db"),
            new FakeTimeProvider(),
            NullLogger.Instance,
            SqliteDatabase.Embedded);

        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "data", "groupguard.db"), store.Location);
        Assert.True(Path.IsPathFullyQualified(store.Location));
    }

    [Fact]
    public async Task A_later_migration_upgrades_an_existing_database_and_keeps_its_incidents()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Samples.Incident()], CancellationToken.None);

        var upgraded = harness.CreateStore([.. SqliteDatabase.Embedded, new Migration(Next, "9999_note", "ALTER TABLE incidents ADD COLUMN note TEXT;")]);
        await upgraded.InitializeAsync(CancellationToken.None);

        var status = await upgraded.CheckAsync(CancellationToken.None);
        Assert.Equal(Next, status.SchemaVersion);
        using var db = harness.OpenRaw();
        Assert.Equal(1, db.ExecuteScalar<long>("SELECT COUNT(*) FROM incidents"));
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT COUNT(*) FROM incidents WHERE note IS NOT NULL"));
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_whole_and_named_in_the_error()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);

        var broken = harness.CreateStore(
        [
            .. SqliteDatabase.Embedded,
            new Migration(Next, "9999_broken", "CREATE TABLE half_done (id INTEGER); SELECT * FROM no_such_table;"),
        ]);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => broken.InitializeAsync(CancellationToken.None));

        Assert.Contains("9999_broken", ex.Message, StringComparison.Ordinal);
        using var db = harness.OpenRaw();
        Assert.Equal(Next - 1, db.ExecuteScalar<int>("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(0, db.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'"));
    }

    [Theory]
    [InlineData(true)] // the service at start
    [InlineData(false)] // a command
    public async Task A_database_from_a_newer_GroupGuard_is_refused_naming_the_file(bool upgradesSchema)
    {
        using var harness = new SqliteStoreHarness();
        await harness.CreateStore([.. SqliteDatabase.Embedded, new Migration(Next, "9999_future", "SELECT 1;")])
            .InitializeAsync(CancellationToken.None);

        var ex = await Assert.ThrowsAsync<GroupGuard.Core.StartupProblemException>(() => harness.CreateStore(upgradesSchema: upgradesSchema).InitializeAsync(CancellationToken.None));

        Assert.Contains($"the SQLite database '{harness.DatabasePath}' is at schema version {Next}, newer than this GroupGuard knows ({Next - 1})", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:Storage:ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        using var db = harness.OpenRaw();
        Assert.Equal(Next, db.ExecuteScalar<int>("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task A_version_1_database_upgrades_to_moderation_keeping_its_incidents_with_neutral_defaults()
    {
        using var harness = new SqliteStoreHarness();
        await harness.CreateStore([.. SqliteDatabase.Embedded.Where(m => m.Version == 1)]).InitializeAsync(CancellationToken.None);
        using (var v1 = harness.OpenRaw())
        {
            // Written the way the version-1 store wrote it.
            v1.Execute("""
                INSERT INTO incidents (time, detected_at, platform, bot_id, group_id, user_id, sender_name, sender_role,
                    message_id, pack, rule, category, severity, matched_term, message_text, decided_action, action_status,
                    action_error, rule_set_version)
                VALUES ('2025-02-28T10:00:00.000Z', '2025-02-28T10:00:00.250Z', 'qq', '10000', '123456', '424242', '小明',
                    'member', '900', 'ads', 'ads.qr-code', 'advertising', 'medium', '加微信', '加微信领红包 🧧', 'recall',
                    'done', NULL, 'v1')
                """);
        }

        await harness.Store.InitializeAsync(CancellationToken.None);

        Assert.Equal(Next - 1, (await harness.Store.CheckAsync(CancellationToken.None)).SchemaVersion);
        var old = Assert.Single(await harness.QueryAllAsync());
        Assert.Equal(("900", "加微信领红包 🧧", ActionStatus.Done, "小明"), (old.MessageId, old.MessageText, old.ActionStatus, old.SenderName));
        Assert.Equal(new DateTimeOffset(2025, 2, 28, 10, 0, 0, TimeSpan.Zero), old.Time);
        Assert.Null(old.GroupName);
        Assert.Null(old.NormalizedText);
        Assert.Empty(old.Spans);
        Assert.Equal((0, 0, false), (old.MuteSeconds, old.EscalationStep, old.FalsePositive));
        Assert.Null(old.ReviewNote);
        Assert.Null(old.ReviewedAt);
        // An offence recorded before the upgrade still counts towards escalation.
        Assert.Equal(1, await harness.Store.CountOffencesAsync("qq", "123456", "424242", old.Time.AddDays(-1), old.Time, dryRun: false, CancellationToken.None));
        // New incidents go on after it.
        var ids = await harness.Store.AddAsync([Samples.Incident(messageId: "901")], CancellationToken.None);
        Assert.True(Assert.Single(ids) > old.Id);
    }

    [Fact]
    public void The_bundled_SQLite_supports_RETURNING()
    {
        using var harness = new SqliteStoreHarness();
        using var db = harness.OpenRawCreate();

        // AddAsync learns ids and skipped duplicates from INSERT ... RETURNING (SQLite 3.35+).
        var version = Version.Parse(db.ExecuteScalar<string>("SELECT sqlite_version()")!);
        Assert.True(version >= new Version(3, 35), $"SQLite {version} is older than 3.35.");
    }

    [Fact]
    public async Task Counting_offences_uses_the_offender_index_not_a_table_scan()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);

        using var db = harness.OpenRaw();
        var plan = string.Join("\n", db.Query<(long, long, long, string Detail)>("""
            EXPLAIN QUERY PLAN SELECT COUNT(*) FROM (SELECT DISTINCT message_id, time FROM incidents
            WHERE platform = 'qq' AND group_id = 'g' AND user_id = 'u' AND time >= '2025-01-01T00:00:00.000Z' AND time <= '2025-01-02T00:00:00.000Z'
            AND false_positive = 0)
            """).Select(r => r.Detail));
        Assert.Contains("ix_incidents_offender_time", plan, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_migrations_are_numbered_from_one_without_gaps()
    {
        var versions = SqliteDatabase.Embedded.Select(m => m.Version).ToList();

        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    [Fact]
    public async Task A_version_7_database_upgrades_to_digest_charts_keeping_its_digests_without_one()
    {
        using var harness = new SqliteStoreHarness();
        await harness.CreateStore([.. SqliteDatabase.Embedded.Where(m => m.Version <= 7)]).InitializeAsync(CancellationToken.None);
        using (var v7 = harness.OpenRaw())
        {
            // Written the way the version-7 outbox wrote it.
            v7.Execute("""
                INSERT INTO digests (leader, period_from, period_to, status, created_at, title, markdown, text, html, incident_ids)
                VALUES ('张老师', '2025-02-28T00:00:00.000Z', '2025-03-01T00:00:00.000Z', 'pending', '2025-03-01T00:00:00.000Z',
                    '日报', '- 1 条', '1 条', '<p>1 条</p>', '[7]');
                INSERT INTO digest_channels (digest_id, channel, status, attempts) VALUES (1, 'email', 'pending', 1);
                """);
        }

        await harness.Store.InitializeAsync(CancellationToken.None);
        var outbox = harness.CreateOutbox();
        var old = Assert.Single(await outbox.UnfinishedAsync(5, CancellationToken.None));
        var day = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var next = await outbox.CreateAsync(old with { Id = 0, PeriodFrom = day, PeriodTo = day.AddDays(1), ChartPng = [0x89, 0x50, 0x00, 0xFF] }, CancellationToken.None);

        Assert.Null(old.ChartPng);
        Assert.Equal(("日报", "<p>1 条</p>", 1), (old.Title, old.Html, old.Channels["email"].Attempts));
        Assert.Equal([0x89, 0x50, 0x00, 0xFF], next.ChartPng);
    }

    [Fact]
    public async Task A_version_9_database_upgrades_with_its_incidents_as_the_messages_own_text_and_nothing_cleared()
    {
        using var harness = new SqliteStoreHarness();
        await harness.CreateStore([.. SqliteDatabase.Embedded.Where(m => m.Version <= 9)]).InitializeAsync(CancellationToken.None);
        using (var v9 = harness.OpenRaw())
        {
            Assert.Equal(0, v9.ExecuteScalar<int>("SELECT COUNT(*) FROM pragma_table_info('incidents') WHERE name = 'forward_depth'"));
            v9.Execute(
                """
                INSERT INTO incidents (time, detected_at, platform, bot_id, group_id, user_id, sender_name, sender_role,
                    message_id, pack, rule, category, severity, matched_term, message_text, decided_action, action_status,
                    action_error, rule_set_version, protocol)
                VALUES ('2025-02-28T10:00:00.000Z', '2025-02-28T10:00:00.250Z', 'qq', '10000', '123456', '424242', '小明',
                    'member', '900', 'ads', 'ads.qr-code', 'advertising', 'medium', '加微信', '加微信领红包', 'kick',
                    'done', NULL, 'v9', 'onebot.v11')
                """);
        }

        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync([Samples.Incident(messageId: "new") with { ForwardDepth = 1, ForwardedFrom = "转发者" }], CancellationToken.None);

        var all = await harness.QueryAllAsync();
        Assert.Contains(all, i => i.MessageId == "new" && i.ForwardDepth == 1 && i.ForwardedFrom == "转发者");
        Assert.All(all.Where(i => i.MessageId != "new"), i => Assert.Equal((0, null, 0, 0), (i.ForwardDepth, i.ForwardedFrom, i.ClearedMessages, i.ClearFailed)));
    }

    [Fact]
    public async Task A_version_4_database_learns_the_protocol_of_its_incidents_from_their_platform()
    {
        using var harness = new SqliteStoreHarness();
        await harness.CreateStore([.. SqliteDatabase.Embedded.Where(m => m.Version <= 4)]).InitializeAsync(CancellationToken.None);
        using (var v4 = harness.OpenRaw())
        {
            foreach (var (platform, message) in new[] { ("qq", "900"), ("wechat", "901") })
            {
                v4.Execute(
                    """
                    INSERT INTO incidents (time, detected_at, platform, bot_id, group_id, user_id, sender_name, sender_role,
                        message_id, pack, rule, category, severity, matched_term, message_text, decided_action, action_status,
                        action_error, rule_set_version)
                    VALUES ('2025-02-28T10:00:00.000Z', '2025-02-28T10:00:00.250Z', @Platform, '10000', '123456', '424242', '小明',
                        'member', @Message, 'ads', 'ads.qr-code', 'advertising', 'medium', '加微信', '加微信领红包', 'recall',
                        'pending', NULL, 'v4')
                    """,
                    new { Platform = platform, Message = message });
            }
        }

        await harness.Store.InitializeAsync(CancellationToken.None);

        var old = await harness.QueryAllAsync();
        Assert.Equal([Protocol.OneBotV11, Protocol.OneBotV12], old.Select(i => i.Protocol));
        Assert.All(old, i => Assert.Empty(i.PlannedActions));
        Assert.All(old, i => Assert.Null(i.ActionErrorKind));
    }

    [Fact]
    public async Task A_version_14_database_gives_each_console_account_a_session_stamp_of_its_own()
    {
        using var harness = new SqliteStoreHarness();
        await harness.CreateStore([.. SqliteDatabase.Embedded.Where(m => m.Version <= 14)]).InitializeAsync(CancellationToken.None);
        using (var v14 = harness.OpenRaw())
        {
            v14.Execute("""
                INSERT INTO console_accounts (name, role, group_ids, password_hash, created_at) VALUES
                    ('admin', 'admin', '', 'pbkdf2-sha256$1$c2FsdA==$aGFzaA==', '2025-03-01T00:00:00.000Z'),
                    ('王主管', 'leader', '111', 'pbkdf2-sha256$1$c2FsdA==$aGFzaA==', '2025-03-01T00:00:00.000Z');
                """);
        }

        await harness.Store.InitializeAsync(CancellationToken.None);

        var accounts = await new AccountStore(harness.Store.Database).ListAsync(CancellationToken.None);
        Assert.Equal(2, accounts.Count);
        Assert.All(accounts, a => Assert.Matches("^[0-9a-f]{32}$", a.SessionStamp));
        Assert.NotEqual(accounts[0].SessionStamp, accounts[1].SessionStamp);
    }

    [Fact]
    public async Task Enums_are_stored_as_lowercase_names()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);
        await harness.Store.AddAsync(
            [Samples.Incident() with
            {
                Severity = Severity.Critical, DecidedAction = ModerationAction.Kick, SenderRole = SenderRole.Owner, ActionStatus = ActionStatus.DryRun,
                Protocol = Protocol.OneBotV12, ActionErrorKind = ActionErrorKind.NotPermitted, PlannedActions = [ModerationAction.Recall, ModerationAction.Kick],
            }],
            CancellationToken.None);

        using var db = harness.OpenRaw();
        var row = db.QuerySingle<(string Severity, string Action, string Role, string Status, string Time)>(
            "SELECT severity, decided_action, sender_role, action_status, time FROM incidents");
        Assert.Equal(("critical", "kick", "owner", "dry_run"), (row.Severity, row.Action, row.Role, row.Status));
        var added = db.QuerySingle<(string Protocol, string Kind, string Planned)>("SELECT protocol, action_error_kind, planned_actions FROM incidents");
        Assert.Equal(("onebot.v12", "not_permitted", "recall kick"), added);
        // 20:15:30.123 at +08:00 is stored as UTC text with milliseconds.
        Assert.Equal("2025-03-01T12:15:30.123Z", row.Time);
    }

    [Fact]
    public async Task A_version_2_database_upgrades_to_the_digest_outbox_keeping_its_incidents_and_counts()
    {
        using var harness = new SqliteStoreHarness();
        await harness.CreateStore([.. SqliteDatabase.Embedded.Where(m => m.Version <= 2)]).InitializeAsync(CancellationToken.None);
        using (var v2 = harness.OpenRaw())
        {
            // Written the way the version-2 store wrote it.
            v2.Execute("""
                INSERT INTO incidents (time, detected_at, platform, bot_id, group_id, user_id, sender_name, sender_role,
                    message_id, pack, rule, category, severity, matched_term, message_text, decided_action, action_status,
                    action_error, rule_set_version, group_name, normalized_text, spans, mute_seconds, escalation_step,
                    false_positive, review_note, reviewed_at)
                VALUES ('2025-02-27T10:00:00.000Z', '2025-02-28T10:00:00.250Z', 'qq', '10000', '123456', '424242', '小明',
                    'member', '900', 'ads', 'ads.qr-code', 'advertising', 'medium', '加微信', '加微信领红包 🧧', 'mute',
                    'done', NULL, 'v2', '家长群', '加微信领红包', '[{"start":0,"length":3}]', 600, 1, 0, NULL, NULL);
                INSERT INTO message_counts (platform, group_id, hour, count) VALUES ('qq', '123456', '2025-02-28T10:00:00.000Z', 57);
                """);
        }

        await harness.Store.InitializeAsync(CancellationToken.None);

        Assert.Equal(Next - 1, (await harness.Store.CheckAsync(CancellationToken.None)).SchemaVersion);
        var old = Assert.Single(await harness.QueryAllAsync());
        Assert.Equal(("900", "家长群", 600, 1), (old.MessageId, old.GroupName, old.MuteSeconds, old.EscalationStep));
        Assert.Equal([new EvidenceSpan(0, 3)], old.Spans);
        var day = new DateTimeOffset(2025, 2, 28, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(57, Assert.Single(await harness.Store.GetMessageCountsAsync(day, day.AddDays(1), null, CancellationToken.None)).Count);
        // The first digest after the upgrade finds the old incident by when it was recorded.
        var byDetection = await harness.QueryAllAsync(new IncidentQuery(day, day.AddDays(1), ByDetectionTime: true));
        Assert.Equal(old.Id, Assert.Single(byDetection).Id);
        var outbox = harness.CreateOutbox();
        Assert.Null(await outbox.LastPeriodEndAsync("张老师", CancellationToken.None));
        var digest = await outbox.CreateAsync(
            new GroupGuard.Core.Digests.DigestRecord
            {
                Leader = "张老师",
                PeriodFrom = day,
                PeriodTo = day.AddDays(1),
                Status = GroupGuard.Core.Digests.DigestStatus.Pending,
                CreatedAt = day.AddDays(1),
                Title = "日报",
                Markdown = "- 1 条",
                Text = "1 条",
                Html = "<p>1 条</p>",
                IncidentIds = [old.Id],
                Channels = new Dictionary<string, GroupGuard.Core.Digests.ChannelOutcome> { ["wecom"] = new(GroupGuard.Core.Digests.ChannelStatus.Pending, 0, null, null) },
            },
            CancellationToken.None);
        Assert.Equal([old.Id], digest.IncidentIds);
        Assert.Equal(day.AddDays(1), await outbox.LastPeriodEndAsync("张老师", CancellationToken.None));
    }

    [Fact]
    public async Task Initialize_creates_the_outbox_tables_and_the_indexes_its_queries_use()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);

        using var db = harness.OpenRaw();
        var tables = db.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table'").ToList();
        Assert.Contains("digests", tables);
        Assert.Contains("digest_channels", tables);
        string Plan(string sql) => string.Join("\n", db.Query<(long, long, long, string Detail)>("EXPLAIN QUERY PLAN " + sql).Select(r => r.Detail));
        Assert.Contains(
            "ix_incidents_detected_at",
            Plan("SELECT id FROM incidents WHERE detected_at >= '2025-01-01T00:00:00.000Z' AND detected_at < '2025-01-02T00:00:00.000Z' ORDER BY id"),
            StringComparison.Ordinal);
        Assert.Contains("ux_digests_leader_period_to", Plan("SELECT MAX(period_to) FROM digests WHERE leader = '张老师'"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_actions_are_read_through_their_own_index_not_a_walk_of_the_incidents()
    {
        using var harness = new SqliteStoreHarness();
        await harness.Store.InitializeAsync(CancellationToken.None);

        using var db = harness.OpenRaw();
        var plan = string.Join("\n", db.Query<(long, long, long, string Detail)>(
            "EXPLAIN QUERY PLAN " + IncidentStore.ListPendingSql,
            new { Since = "2025-01-01T00:00:00.000Z", Limit = 100 }).Select(r => r.Detail));

        Assert.Contains("ix_incidents_pending", plan, StringComparison.Ordinal);
    }
}
