using System.Runtime.CompilerServices;
using Dapper;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using System.Data.Common;
using GroupGuard.Storage.Migrations;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// Incidents in one SQLite file in WAL mode. Writes take the database's single writer turn
/// (<see cref="StorageDatabase.WriteAsync"/>), shared with the digest outbox.
/// </summary>
internal sealed partial class IncidentStore : IIncidentStore, IIncidentBrowser
{
    internal const string Provider = "sqlite";

    private const string Columns = """
        id AS Id, time AS Time, detected_at AS DetectedAt, platform AS Platform, bot_id AS BotId,
        group_id AS GroupId, user_id AS UserId, sender_name AS SenderName, sender_role AS SenderRole,
        message_id AS MessageId, pack AS Pack, rule AS Rule, category AS Category, severity AS Severity,
        matched_term AS MatchedTerm, message_text AS MessageText, decided_action AS DecidedAction,
        action_status AS ActionStatus, action_error AS ActionError, rule_set_version AS RuleSetVersion,
        group_name AS GroupName, normalized_text AS NormalizedText, spans AS Spans, mute_seconds AS MuteSeconds,
        escalation_step AS EscalationStep, false_positive AS FalsePositive, review_note AS ReviewNote,
        reviewed_at AS ReviewedAt, protocol AS Protocol, planned_actions AS PlannedActions,
        action_error_kind AS ActionErrorKind, reviewed_by AS ReviewedBy, forward_depth AS ForwardDepth,
        forwarded_from AS ForwardedFrom, cleared_messages AS ClearedMessages, clear_failed AS ClearFailed,
        action_owner AS ActionOwner, acts_outcome AS ActsOutcome, shadow AS Shadow, exempt_by AS ExemptBy
        """;

    // RETURNING yields no row when ON CONFLICT skipped the insert: that is how a redelivery reads 0.
    // (SQLite 3.35+; PostgreSQL has the same clause.)
    private const string InsertSqlTemplate = """
        INSERT INTO incidents (
            time, detected_at, platform, bot_id, group_id, user_id, sender_name, sender_role, message_id,
            pack, rule, category, severity, matched_term, message_text, decided_action, action_status,
            action_error, rule_set_version, group_name, normalized_text, spans, mute_seconds, escalation_step,
            false_positive, review_note, reviewed_at, protocol, planned_actions, action_error_kind, reviewed_by,
            forward_depth, forwarded_from, cleared_messages, clear_failed, action_owner, acts_outcome, shadow, exempt_by, commit_seq)
        VALUES (
            @Time, @DetectedAt, @Platform, @BotId, @GroupId, @UserId, @SenderName, @SenderRole, @MessageId,
            @Pack, @Rule, @Category, @Severity, @MatchedTerm, @MessageText, @DecidedAction, @ActionStatus,
            @ActionError, @RuleSetVersion, @GroupName, @NormalizedText, @Spans, @MuteSeconds, @EscalationStep,
            @FalsePositive, @ReviewNote, @ReviewedAt, @Protocol, @PlannedActions, @ActionErrorKind, @ReviewedBy,
            @ForwardDepth, @ForwardedFrom, @ClearedMessages, @ClearFailed, @ActionOwner, @ActsOutcome, @Shadow, @ExemptBy, {0})
        ON CONFLICT DO NOTHING
        RETURNING id
        """;

    // One message hit by two rules is one offence. A message is its id and time together, as in
    // the unique index: OneBot implementations reuse short message ids after a restart. Only
    // incidents that count as offences (Incident.CountsAsOffence): a rule that acts, enforced; for
    // a dry run's decision (@DryRun = 1) also a dry run of a rule that acts and is not a shadow
    // rule's (Incident.CountsInDryRun; shadow is null, so left out, for one recorded before it was kept).
    // Both bounds are on the offender index's last column, time.
    private const string CountOffencesSql = """
        SELECT COUNT(*) FROM (
            SELECT DISTINCT message_id, time FROM incidents
            WHERE platform = @Platform AND group_id = @GroupId AND user_id = @UserId
              AND time >= @Since AND time <= @Until AND false_positive = 0
              AND decided_action <> 'log' AND action_status <> 'exempt'
              AND (action_status <> 'dry_run' OR (@DryRun = 1 AND shadow = 0))
        ) AS offences
        """;

    private const string AddMessageCountSql = """
        INSERT INTO message_counts (platform, group_id, hour, count) VALUES (@Platform, @GroupId, @Hour, @Count)
        ON CONFLICT (platform, group_id, hour) DO UPDATE SET count = message_counts.count + excluded.count
        """;

    private const string CountedKeysSqlTemplate = """
        INSERT INTO counted_messages (platform, bot_id, group_id, message_id, time, hour, counted_at) {0}
        ON CONFLICT DO NOTHING RETURNING platform AS Platform, group_id AS GroupId, hour AS Hour
        """;

    private const string PruneCountedSqlTemplate = """
        DELETE FROM counted_messages WHERE {0} IN (
            SELECT {0} FROM counted_messages WHERE counted_at < @Before LIMIT @Limit)
        """;

    private const string MarkFalsePositiveSql = """
        UPDATE incidents SET false_positive = @FalsePositive, review_note = @Note, reviewed_at = @At, reviewed_by = @By
        WHERE id = @Id;
        -- A kick found wrong lifts the block it put on the member (the block names one incident of the message).
        DELETE FROM user_blocks WHERE @FalsePositive = 1 AND incident_id IN (
            SELECT other.id FROM incidents marked JOIN incidents other
              ON other.platform = marked.platform AND other.bot_id = marked.bot_id AND other.group_id = marked.group_id
             AND other.message_id = marked.message_id AND other.time = marked.time
            WHERE marked.id = @Id);
        """;

    // Retention works in slices, each its own transaction, so a first run over a year of
    // incidents does not hold the single writer away from the live message path for long.
    private const string DeleteIncidentsSql = """
        DELETE FROM incidents WHERE id IN (
            SELECT id FROM incidents WHERE time < @Before ORDER BY id LIMIT @Limit)
        """;

    private const string DeleteMessageCountsSqlTemplate = """
        DELETE FROM message_counts WHERE {0} IN (
            SELECT {0} FROM message_counts WHERE hour < @Before LIMIT @Limit)
        """;

    // A row with no evidence left is not masked again, so a second run reports 0. The name of a
    // forwarded message's sender goes with its text: they were no member of the group. Read a slice
    // at a time after the last one's highest id (a seek, not a walk over every row masked before).
    private const string UnmaskedSliceSql = """
        SELECT id AS Id, category AS Category, matched_term AS MatchedTerm FROM incidents
        WHERE id > @After AND time < @Before
          AND (message_text <> '' OR normalized_text IS NOT NULL OR spans <> '[]' OR forwarded_from IS NOT NULL)
        ORDER BY id LIMIT @Limit
        """;

    private const string MaskEvidenceSqlTemplate = """
        UPDATE incidents SET message_text = '', normalized_text = NULL, spans = '[]', forwarded_from = NULL WHERE {0}
        """;

    // The matched term goes as a digest shows it: a privacy hit is the number itself.
    private const string MaskTermSql = "UPDATE incidents SET matched_term = @Term WHERE id = @Id";

    // Which warning was about which incident is of use while someone may still reply to it:
    // it goes with the evidence, whichever the retention mode.
    private const string DeleteWarningMessagesSqlTemplate = """
        DELETE FROM warning_messages WHERE {0} IN (
            SELECT {0} FROM warning_messages WHERE at < @Before LIMIT @Limit)
        """;

    // Digests and alerts quote excerpts, names and numbers of their incidents: they go with them.
    // Not while a channel may still send one (its retries are not over), and a leader's (or alert
    // rule's) latest stays, its content blanked, since the next one starts where it ended.
    private const string SettledOldDigests = """
        SELECT d.id FROM digests d
        WHERE d.period_to < @Before
          AND NOT EXISTS (SELECT 1 FROM digest_channels c
                          WHERE c.digest_id = d.id AND c.status <> 'sent' AND c.attempts < @MaxAttempts)
        """;

    private const string DeletableDigests = $"""
        {SettledOldDigests} AND EXISTS (SELECT 1 FROM digests n WHERE n.leader = d.leader AND n.period_to > d.period_to)
            ORDER BY d.id LIMIT @Limit
        """;

    private const string DeleteDigestsSql = $"""
        DELETE FROM digest_channels WHERE digest_id IN ({DeletableDigests});
        DELETE FROM digests WHERE id IN ({DeletableDigests})
        """;

    private const string MaskDigestsSql = $"""
        UPDATE digests SET markdown = '', text = '', html = '', chart_png = NULL WHERE id IN (
            {SettledOldDigests} AND (d.markdown <> '' OR d.text <> '' OR d.html <> '' OR d.chart_png IS NOT NULL)
            ORDER BY d.id LIMIT @Limit)
        """;

    // Of the latest message with the id: OneBot implementations reuse short ids after a restart.
    private const string FindByMessageSql = """
        WHERE platform = @Platform AND bot_id = @BotId AND group_id = @GroupId AND message_id = @MessageId
          AND time = (
            SELECT MAX(time) FROM incidents
            WHERE platform = @Platform AND bot_id = @BotId AND group_id = @GroupId AND message_id = @MessageId)
        ORDER BY id
        """;

    private const string DeleteOrphanPicturesSqlTemplate = """
        DELETE FROM incident_pictures WHERE {0} IN (
            SELECT p.{0} FROM incident_pictures p LEFT JOIN incidents i ON i.id = p.incident_id
            WHERE i.id IS NULL LIMIT @Limit)
        """;

    // A join request's comment and the applicant's nickname are evidence as a message's text is.
    private const string DeleteJoinDecisionsSql = """
        DELETE FROM join_decisions WHERE id IN (
            SELECT id FROM join_decisions WHERE time < @Before ORDER BY id LIMIT @Limit)
        """;

    private const string MaskJoinDecisionsSql = """
        UPDATE join_decisions SET comment = '', nickname = NULL WHERE id IN (
            SELECT id FROM join_decisions WHERE time < @Before AND (comment <> '' OR nickname IS NOT NULL) ORDER BY id LIMIT @Limit)
        """;

    // The hash stays (a masked incident's picture can still be blocked); where it came from goes.
    private const string MaskPicturesSqlTemplate = """
        UPDATE incident_pictures SET location = '' WHERE {0} IN (
            SELECT p.{0} FROM incident_pictures p JOIN incidents i ON i.id = p.incident_id
            WHERE i.time < @Before AND p.location <> '' LIMIT @Limit)
        """;

    // Well under SQLite's limit of 32766 bound values per statement.
    private const int IdsPerStatement = 500;

    /// <summary>
    /// Message keys inserted by one statement, all in one JSON parameter. Not one parameter per
    /// value: SQLite finds each named parameter by a walk of the statement's list, so binding grew
    /// with the square of the values and was the worker's largest cost under tools/load.sh.
    /// </summary>
    private const int KeysPerStatement = 500;

    /// <summary>How long a counted message's key is kept: a redelivery or replay later than this counts again.</summary>
    internal static readonly TimeSpan CountedKeysKept = TimeSpan.FromDays(1);

    /// <summary>One count in this many also deletes the keys that have aged out.</summary>
    internal const int PruneCountedEvery = 60;

    private long _countWrites;

    private readonly StorageDatabase _database;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly int _retentionBatchSize;
    private readonly string _deleteMessageCountsSql;
    private readonly string _pruneCountedSql;
    private readonly string _countedKeysSql;
    private readonly string _deleteWarningMessagesSql;
    private readonly string _deleteOrphanPicturesSql;
    private readonly string _maskPicturesSql;
    private readonly string _maskEvidenceSql;
    private readonly string _insertSql;

    public IncidentStore(StorageDatabase database, TimeProvider timeProvider, ILogger<IncidentStore> logger)
        : this(database, timeProvider, logger, database.Migrations)
    {
    }

    internal IncidentStore(
        StorageDatabase database,
        TimeProvider timeProvider,
        ILogger logger,
        IReadOnlyList<Migration> migrations,
        int retentionBatchSize = 5000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionBatchSize, 1);
        _retentionBatchSize = retentionBatchSize;
        _database = database;
        _migrations = migrations;
        _timeProvider = timeProvider;
        _logger = logger;
        _deleteMessageCountsSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, DeleteMessageCountsSqlTemplate, database.RowId);
        _pruneCountedSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, PruneCountedSqlTemplate, database.RowId);
        _countedKeysSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, CountedKeysSqlTemplate, database.JsonRows("@Keys", 6, "@At"));
        _deleteWarningMessagesSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, DeleteWarningMessagesSqlTemplate, database.RowId);
        _deleteOrphanPicturesSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, DeleteOrphanPicturesSqlTemplate, database.RowId);
        _maskPicturesSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, MaskPicturesSqlTemplate, database.RowId);
        _maskEvidenceSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, MaskEvidenceSqlTemplate, database.IsAnyOf("id", "@Ids"));
        _insertSql = string.Format(System.Globalization.CultureInfo.InvariantCulture, InsertSqlTemplate, database.CommitSeqOnInsert);
    }

    /// <summary>Where the data is: the database file, or PostgreSQL's host, port and database.</summary>
    public string Location => _database.Location;

    /// <summary>The database, with its writer turn, for other stores on the same data.</summary>
    internal StorageDatabase Database => _database;

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _database.InitializeAsync(_migrations, _timeProvider, _logger, cancellationToken);

    public async Task<IReadOnlyList<long>> AddAsync(IReadOnlyList<Incident> incidents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        if (incidents.Count == 0)
        {
            return [];
        }

        // Converted before taking the lock: a bad incident fails alone, without holding up writers.
        var rows = new IncidentRow[incidents.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = IncidentRow.From(incidents[i]);
        }

        return await WriteAsync(
            async (connection, transaction) =>
            {
                // Commit order (StorageDatabase.CommitOrderLock): on PostgreSQL the lock comes
                // first and is held to the commit, so the numbers taken below commit in their order,
                // and two instances' overlapping batches wait for each other instead of deadlocking.
                if (_database.CommitOrderLock is { } commitLock)
                {
                    await connection.ExecuteAsync(new CommandDefinition(commitLock, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                var ids = new long[rows.Length];
                for (var i = 0; i < rows.Length; i++)
                {
                    ids[i] = await connection.ExecuteScalarAsync<long?>(
                        new CommandDefinition(_insertSql, rows[i], transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) ?? 0;
                }

                return ids;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<Incident> QueryAsync(IncidentQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (sql, parameters) = QuerySql(query);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = connection.QueryUnbufferedAsync<IncidentRow>(sql, parameters).WithCancellation(cancellationToken).ConfigureAwait(false);
        await foreach (var row in rows)
        {
            yield return row.ToIncident();
        }
    }

    /// <summary>The select <see cref="QueryAsync"/> runs for <paramref name="query"/>, and its values.</summary>
    internal (string Sql, object Parameters) QuerySql(IncidentQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);

        // Digests select by detection time, so an incident reported late (a replay, a platform's
        // wrong clock) still falls into exactly one period.
        var timeColumn = query.ByDetectionTime ? "detected_at" : "time";
        var conditions = new List<string>(4);
        if (query.Commit is { PreviousHigh: not null })
        {
            // In commit order, what the previous digest took is out, whenever it was detected;
            // the rest of what came before Since (committed after it was built) is in. Written as
            // an OR of two indexed columns, not NOT (… AND …), which SQLite can only answer by
            // reading the whole table (every alert rule's look, every two seconds).
            conditions.Add($"(commit_seq > @PreviousHigh OR {timeColumn} >= @Since)");
        }
        else if (query.Since is not null)
        {
            conditions.Add($"{timeColumn} >= @Since");
        }

        if (query.Until is not null)
        {
            conditions.Add($"{timeColumn} < @Until");
        }

        if (query.Commit is not null)
        {
            conditions.Add("commit_seq <= @High");
        }

        var groupIds = GroupFilter(query.GroupIds);
        if (groupIds is not null)
        {
            conditions.Add(_database.IsAnyOf("group_id", "@GroupIds"));
        }

        var sql = $"SELECT {Columns} FROM incidents"
            + (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions))
            + " ORDER BY id";
        var parameters = new
        {
            Since = query.Since is { } since ? StoredTime.ToBoundText(since) : null,
            Until = query.Until is { } until ? StoredTime.ToBoundText(until) : null,
            GroupIds = groupIds,
            High = query.Commit?.High,
            PreviousHigh = query.Commit?.PreviousHigh,
        };

        return (sql, parameters);
    }

    public async Task<Incident?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(
            $"SELECT {Columns} FROM incidents WHERE id = @Id",
            new { Id = id },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToIncident();
    }

    public async Task<IReadOnlyList<Incident>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.Distinct().Order().ToArray();
        if (wanted.Length == 0)
        {
            return [];
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var incidents = new List<Incident>(wanted.Length);
        foreach (var chunk in wanted.Chunk(IdsPerStatement))
        {
            var rows = await connection.QueryAsync<IncidentRow>(new CommandDefinition(
                $"SELECT {Columns} FROM incidents WHERE {_database.IsAnyOf("id", "@Ids")} ORDER BY id",
                new { Ids = chunk },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            incidents.AddRange(rows.Select(r => r.ToIncident()));
        }

        return incidents;
    }

    public Task UpdateActionAsync(IReadOnlyList<long> incidentIds, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken) =>
        UpdateEachAsync(
            incidentIds,
            $"UPDATE incidents SET action_status = @Status, action_error = @Error, action_error_kind = @Kind WHERE {_database.IsAnyOf("id", "@Ids")}",
            new { Status = EnumText<ActionStatus>.ToText(status), Error = Core.Moderation.StoredText.Clean(error), Kind = EnumText<ActionErrorKind>.ToText(errorKind) },
            cancellationToken);

    public Task RecordClearedAsync(IReadOnlyList<long> incidentIds, int recalled, int failed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(recalled);
        ArgumentOutOfRangeException.ThrowIfNegative(failed);
        return UpdateEachAsync(
            incidentIds,
            $"UPDATE incidents SET cleared_messages = @Recalled, clear_failed = @Failed WHERE {_database.IsAnyOf("id", "@Ids")}",
            new { Recalled = recalled, Failed = failed },
            cancellationToken);
    }

    /// <summary>One update of the incidents <paramref name="incidentIds"/> name (<c>@Ids</c>), in slices within SQLite's bound on values, in one transaction.</summary>
    private async Task UpdateEachAsync(IReadOnlyList<long> incidentIds, string sql, object values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidentIds);
        if (incidentIds.Count == 0)
        {
            return;
        }

        await WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var chunk in incidentIds.Distinct().Chunk(IdsPerStatement))
                {
                    var parameters = new DynamicParameters(values);
                    parameters.Add("Ids", chunk);
                    await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Incident>> FindByMessageAsync(GroupMessageRef message, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<IncidentRow>(new CommandDefinition(
            $"SELECT {Columns} FROM incidents {FindByMessageSql}",
            new { message.Platform, message.BotId, message.GroupId, message.MessageId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToIncident())];
    }

    public async Task<int> CountOffencesAsync(string platform, string groupId, string userId, DateTimeOffset since, DateTimeOffset until, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(userId);

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            CountOffencesSql,
            // The upper bound as a time is stored (cut to the millisecond), so a message's own time is within it.
            new { Platform = platform, GroupId = groupId, UserId = userId, Since = StoredTime.ToBoundText(since), Until = StoredTime.ToText(until), DryRun = dryRun ? 1 : 0 },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task AddMessageCountsAsync(IReadOnlyList<MessageCount> counts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counts);

        var rows = new List<MessageCountRow>(counts.Count);
        foreach (var count in counts)
        {
            ArgumentNullException.ThrowIfNull(count, nameof(counts));
            if (count.Count < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(counts), count, "A message count cannot be negative.");
            }

            if (count.Count > 0)
            {
                rows.Add(new MessageCountRow
                {
                    Platform = count.Platform,
                    GroupId = count.GroupId,
                    Hour = StoredTime.ToText(StoredTime.HourStart(count.Hour)),
                    Count = count.Count,
                });
            }
        }

        if (rows.Count == 0)
        {
            return;
        }

        await WriteAsync(
            (connection, transaction) => UpsertCountsAsync(connection, transaction, rows, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> CountMessagesAsync(IReadOnlyList<CountedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var keys = new Dictionary<(string Platform, string BotId, string GroupId, string MessageId, string Time), string>(messages.Count);
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            keys.TryAdd(
                (message.Platform, message.BotId, message.GroupId, message.MessageId, StoredTime.ToText(message.Time)),
                StoredTime.ToText(StoredTime.HourStart(message.Time)));
        }

        if (keys.Count == 0)
        {
            return 0;
        }

        // One order for everyone (see UpsertCountsAsync): two instances inserting the same keys wait, never deadlock.
        var ordered = keys.OrderBy(k => k.Key.Platform, StringComparer.Ordinal)
            .ThenBy(k => k.Key.BotId, StringComparer.Ordinal)
            .ThenBy(k => k.Key.GroupId, StringComparer.Ordinal)
            .ThenBy(k => k.Key.MessageId, StringComparer.Ordinal)
            .ThenBy(k => k.Key.Time, StringComparer.Ordinal)
            .ToList();
        var countedAt = StoredTime.ToText(_timeProvider.GetUtcNow());
        var added = await WriteAsync(
            async (connection, transaction) =>
            {
                // Only the keys inserted now come back: what was counted before adds nothing.
                var fresh = new Dictionary<(string Platform, string GroupId, string Hour), long>();
                foreach (var chunk in ordered.Chunk(KeysPerStatement))
                {
                    var inserted = await connection.QueryAsync<MessageCountRow>(new CommandDefinition(
                        _countedKeysSql,
                        new { Keys = KeysJson(chunk), At = countedAt },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    foreach (var row in inserted)
                    {
                        var key = (row.Platform, row.GroupId, row.Hour);
                        fresh[key] = fresh.GetValueOrDefault(key) + 1;
                    }
                }

                var rows = fresh.Select(f => new MessageCountRow { Platform = f.Key.Platform, GroupId = f.Key.GroupId, Hour = f.Key.Hour, Count = f.Value }).ToList();
                await UpsertCountsAsync(connection, transaction, rows, cancellationToken).ConfigureAwait(false);
                return (int)rows.Sum(r => r.Count);
            },
            cancellationToken).ConfigureAwait(false);

        if (Interlocked.Increment(ref _countWrites) % PruneCountedEvery == 1)
        {
            await PruneCountedAsync(cancellationToken).ConfigureAwait(false);
        }

        return added;
    }

    /// <summary>Deletes the keys of messages counted more than <see cref="CountedKeysKept"/> ago; a failure only leaves them for the next time.</summary>
    private async Task PruneCountedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunInSlicesAsync(
                _pruneCountedSql,
                new { Before = StoredTime.ToBoundText(_timeProvider.GetUtcNow() - CountedKeysKept), Limit = _retentionBatchSize },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException)
        {
            _logger.LogWarning(ex, "Deleting the keys of messages counted over a day ago failed; tried again later.");
        }
    }

    /// <summary>The keys as one JSON array of [platform, bot, group, message, time, hour] arrays.</summary>
    private static string KeysJson(KeyValuePair<(string Platform, string BotId, string GroupId, string MessageId, string Time), string>[] keys)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(keys.Length * 96);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var (key, hour) in keys)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(key.Platform);
                writer.WriteStringValue(key.BotId);
                writer.WriteStringValue(key.GroupId);
                writer.WriteStringValue(key.MessageId);
                writer.WriteStringValue(key.Time);
                writer.WriteStringValue(hour);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static async Task<int> UpsertCountsAsync(DbConnection connection, DbTransaction transaction, List<MessageCountRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        // Each upsert locks its counter's row until the batch commits. Two instances counting the
        // same groups (PostgreSQL) that took the rows in different orders would each wait for a row
        // the other holds: a deadlock, and one batch lost. One order for everyone makes the second wait.
        rows.Sort(static (a, b) =>
        {
            var byPlatform = string.CompareOrdinal(a.Platform, b.Platform);
            if (byPlatform != 0)
            {
                return byPlatform;
            }

            var byGroup = string.CompareOrdinal(a.GroupId, b.GroupId);
            return byGroup != 0 ? byGroup : string.CompareOrdinal(a.Hour, b.Hour);
        });

        return await connection.ExecuteAsync(
            new CommandDefinition(AddMessageCountSql, rows, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MessageCount>> GetMessageCountsAsync(
        DateTimeOffset from,
        DateTimeOffset to,
        IReadOnlyCollection<string>? groupIds,
        CancellationToken cancellationToken)
    {
        var (where, values) = MessageCountsIn(from, to, groupIds);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<MessageCountRow>(new CommandDefinition(
            $"SELECT platform AS Platform, group_id AS GroupId, hour AS Hour, count AS Count FROM message_counts WHERE {where} ORDER BY hour, platform, group_id",
            values,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new MessageCount(
            r.Platform,
            r.GroupId,
            StoredTime.Parse(r.Hour, $"The message count of {r.Platform} group {r.GroupId}"),
            r.Count))];
    }

    public async Task<IReadOnlyList<MessageTotal>> GetMessageTotalsAsync(
        DateTimeOffset from,
        DateTimeOffset to,
        IReadOnlyCollection<string>? groupIds,
        CancellationToken cancellationToken)
    {
        var (where, values) = MessageCountsIn(from, to, groupIds);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<MessageTotalRow>(new CommandDefinition(
            $"SELECT platform AS Platform, group_id AS GroupId, CAST(SUM(count) AS BIGINT) AS Count FROM message_counts WHERE {where} GROUP BY platform, group_id ORDER BY platform, group_id",
            values,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new MessageTotal(r.Platform, r.GroupId, r.Count))];
    }

    /// <summary>The hourly message counts from <paramref name="from"/> to before <paramref name="to"/>, of <paramref name="groupIds"/> (null: every group): the condition and its values.</summary>
    private (string Where, object Values) MessageCountsIn(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groupIds)
    {
        var groups = GroupFilter(groupIds);
        var where = "hour >= @From AND hour < @To" + (groups is null ? "" : " AND " + _database.IsAnyOf("group_id", "@GroupIds"));
        return (where, new { From = StoredTime.ToBoundText(from), To = StoredTime.ToBoundText(to), GroupIds = groups });
    }

    public async Task<bool> MarkFalsePositiveAsync(long id, bool falsePositive, string? note, DateTimeOffset at, string? reviewer, CancellationToken cancellationToken)
    {
        var changed = await WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                MarkFalsePositiveSql,
                new { Id = id, FalsePositive = falsePositive ? 1 : 0, Note = Core.Moderation.StoredText.Clean(note), At = StoredTime.ToText(at), By = Core.Moderation.StoredText.Clean(reviewer) },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task<int> ApplyRetentionAsync(DateTimeOffset before, RetentionMode mode, CancellationToken cancellationToken)
    {
        if (mode is not (RetentionMode.Delete or RetentionMode.Mask))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Retention either deletes or masks.");
        }

        var parameters = new { Before = StoredTime.ToBoundText(before), Limit = _retentionBatchSize };
        var total = mode == RetentionMode.Delete
            ? await RunInSlicesAsync(DeleteIncidentsSql, parameters, cancellationToken).ConfigureAwait(false)
            : await MaskIncidentsAsync(parameters.Before, cancellationToken).ConfigureAwait(false);
        await RunInSlicesAsync(_deleteWarningMessagesSql, parameters, cancellationToken).ConfigureAwait(false);
        if (mode == RetentionMode.Delete)
        {
            await RunInSlicesAsync(_deleteMessageCountsSql, parameters, cancellationToken).ConfigureAwait(false);
        }

        // The pictures an incident kept (hash and where it was fetched from) go with its evidence.
        await RunInSlicesAsync(mode == RetentionMode.Delete ? _deleteOrphanPicturesSql : _maskPicturesSql, parameters, cancellationToken).ConfigureAwait(false);
        await RunInSlicesAsync(mode == RetentionMode.Delete ? DeleteJoinDecisionsSql : MaskJoinDecisionsSql, parameters, cancellationToken).ConfigureAwait(false);
        var digests = new { parameters.Before, parameters.Limit, MaxAttempts = Core.Digests.DigestRecord.MaxSendAttempts };
        if (mode == RetentionMode.Delete)
        {
            await RunInSlicesAsync(DeleteDigestsSql, digests, cancellationToken).ConfigureAwait(false);
        }

        await RunInSlicesAsync(MaskDigestsSql, digests, cancellationToken).ConfigureAwait(false);
        return total;
    }

    /// <summary>Masks the evidence of incidents before <paramref name="before"/>, a slice per transaction; returns how many.</summary>
    private async Task<int> MaskIncidentsAsync(string before, CancellationToken cancellationToken)
    {
        var total = 0;
        var after = 0L;
        while (true)
        {
            List<UnmaskedRow> slice;
            await using (var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                slice = [.. await connection.QueryAsync<UnmaskedRow>(new CommandDefinition(
                    UnmaskedSliceSql,
                    new { After = after, Before = before, Limit = _retentionBatchSize },
                    cancellationToken: cancellationToken)).ConfigureAwait(false)];
            }

            if (slice.Count == 0)
            {
                return total;
            }

            var terms = slice
                .Select(r => (r.Id, Term: Core.Moderation.EvidenceMasker.MaskTerm(r.MatchedTerm, r.Category), r.MatchedTerm))
                .Where(r => !string.Equals(r.Term, r.MatchedTerm, StringComparison.Ordinal))
                .Select(r => new { r.Id, r.Term })
                .ToList();
            await WriteAsync(
                async (connection, transaction) =>
                {
                    foreach (var chunk in slice.Select(r => r.Id).Chunk(IdsPerStatement))
                    {
                        await connection.ExecuteAsync(new CommandDefinition(_maskEvidenceSql, new { Ids = chunk }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    }

                    if (terms.Count > 0)
                    {
                        await connection.ExecuteAsync(new CommandDefinition(MaskTermSql, terms, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    }

                    return 0;
                },
                cancellationToken).ConfigureAwait(false);
            total += slice.Count;
            after = slice[^1].Id;
            if (slice.Count < _retentionBatchSize)
            {
                return total;
            }
        }
    }

    public async Task<long> CommitHighAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT CAST(COALESCE(MAX(commit_seq), 0) AS BIGINT) FROM incidents", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<StorageStatus> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            var version = await _database.CurrentVersionAsync(connection, cancellationToken).ConfigureAwait(false);

            await _database.WithWriterAsync(
                () => connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO storage_health (id, checked_at) VALUES (1, @CheckedAt)
                    ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at
                    """,
                    new { CheckedAt = StoredTime.ToText(_timeProvider.GetUtcNow()) },
                    cancellationToken: cancellationToken)),
                cancellationToken).ConfigureAwait(false);

            return new StorageStatus(_database.Provider, _database.Location, version);
        }
        catch (DbException ex) when (_database.IsMissingTable(ex))
        {
            throw new InvalidOperationException(
                $"The incident database '{_database.Location}' ({_database.Provider}) has no incident schema (was the store initialized?): {ex.Message}", ex);
        }
        catch (DbException ex) when (_database.Damage(ex) is { } damage)
        {
            throw new InvalidOperationException(damage, ex);
        }
        catch (DbException ex)
        {
            throw new InvalidOperationException($"The incident database '{_database.Location}' ({_database.Provider}) is not usable: {ex.Message}", ex);
        }
    }

    /// <summary>Null for "every group" (no filter given, or an empty one).</summary>
    private static string[]? GroupFilter(IReadOnlyCollection<string>? groupIds) =>
        groupIds is null || groupIds.Count == 0 ? null : [.. groupIds.Distinct(StringComparer.Ordinal)];

    /// <summary>Runs <paramref name="sql"/> (which stops at @Limit rows) until a slice comes back short.</summary>
    private async Task<int> RunInSlicesAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var total = 0;
        int affected;
        do
        {
            affected = await WriteAsync(
                (connection, transaction) => connection.ExecuteAsync(
                    new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)),
                cancellationToken).ConfigureAwait(false);
            total += affected;
        }
        while (affected >= _retentionBatchSize);

        return total;
    }

    private Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken) =>
        _database.WriteAsync(write, cancellationToken);

    private sealed class UnmaskedRow
    {
        public long Id { get; set; }
        public string? Category { get; set; }
        public string MatchedTerm { get; set; } = "";
    }

    private sealed class MessageTotalRow
    {
        public string Platform { get; set; } = "";
        public string GroupId { get; set; } = "";
        public long Count { get; set; }
    }

    private sealed class MessageCountRow
    {
        public string Platform { get; set; } = "";
        public string GroupId { get; set; } = "";
        public string Hour { get; set; } = "";
        public long Count { get; set; }
    }
}
