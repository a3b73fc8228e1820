using Dapper;
using GroupGuard.Core;
using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// Join decisions and the user block list, in the incident database (<c>join_decisions</c>,
/// <c>user_blocks</c>, migration 0012, created by the incident store's initialization).
/// </summary>
internal sealed class JoinDecisions(StorageDatabase database) : IJoinDecisions, IUserBlocks
{

    private const string DecisionColumns = """
        id AS Id, time AS Time, decided_at AS DecidedAt, platform AS Platform, protocol AS Protocol, bot_id AS BotId,
        group_id AS GroupId, group_name AS GroupName, user_id AS UserId, nickname AS Nickname, comment AS Comment, flag AS Flag,
        outcome AS Outcome, reason AS Reason, rule AS Rule, category AS Category, matched_term AS MatchedTerm,
        action_status AS ActionStatus, action_error AS ActionError, action_error_kind AS ActionErrorKind, block_note AS BlockNote
        """;

    private const string BlockColumns = "platform AS Platform, user_id AS UserId, at AS At, note AS Note, incident_id AS IncidentId";

    public async Task<(long Id, bool Added)> AddAsync(JoinDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return await database.WriteAsync(
            async (connection, transaction) =>
            {
                var key = new { decision.Platform, decision.BotId, decision.GroupId, Flag = StoredText.Clean(decision.Flag), Time = StoredTime.ToText(decision.Time) };
                // A request already decided (a redelivery, or another instance that got it too)
                // inserts nothing and RETURNING yields no row: the first decision stands.
                var added = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    """
                    INSERT INTO join_decisions (time, decided_at, platform, protocol, bot_id, group_id, group_name, user_id, nickname, comment, flag,
                                                outcome, reason, rule, category, matched_term, action_status, action_error, action_error_kind, block_note)
                    VALUES (@Time, @DecidedAt, @Platform, @Protocol, @BotId, @GroupId, @GroupName, @UserId, @Nickname, @Comment, @Flag,
                            @Outcome, @Reason, @Rule, @Category, @MatchedTerm, @ActionStatus, @ActionError, @ActionErrorKind, @BlockNote)
                    ON CONFLICT (platform, bot_id, group_id, flag, time) DO NOTHING
                    RETURNING id
                    """,
                    new
                    {
                        key.Time,
                        DecidedAt = StoredTime.ToText(decision.DecidedAt),
                        decision.Platform,
                        Protocol = EnumText<Protocol>.ToText(decision.Protocol),
                        decision.BotId,
                        decision.GroupId,
                        GroupName = StoredText.Clean(decision.GroupName),
                        decision.UserId,
                        Nickname = StoredText.Clean(decision.Nickname),
                        Comment = StoredText.Clean(decision.Comment),
                        key.Flag,
                        Outcome = EnumText<JoinOutcome>.ToText(decision.Outcome),
                        Reason = EnumText<JoinReason>.ToText(decision.Reason),
                        decision.Rule,
                        decision.Category,
                        MatchedTerm = StoredText.Clean(decision.MatchedTerm),
                        ActionStatus = EnumText<ActionStatus>.ToText(decision.ActionStatus),
                        ActionError = StoredText.Clean(decision.ActionError),
                        ActionErrorKind = EnumText<ActionErrorKind>.ToText(decision.ActionErrorKind),
                        BlockNote = StoredText.Clean(decision.BlockNote),
                    },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (added is { } id)
                {
                    return (id, true);
                }

                var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT id FROM join_decisions WHERE platform = @Platform AND bot_id = @BotId AND group_id = @GroupId AND flag = @Flag AND time = @Time",
                    key,
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                return (existing, false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task UpdateStatusAsync(long id, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken) =>
        database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                "UPDATE join_decisions SET action_status = @Status, action_error = @Error, action_error_kind = @Kind WHERE id = @Id",
                new { Id = id, Status = EnumText<ActionStatus>.ToText(status), Error = StoredText.Clean(error), Kind = EnumText<ActionErrorKind>.ToText(errorKind) },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken);

    public async Task<IReadOnlyList<JoinDecision>> ListAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groupIds, int limit, CancellationToken cancellationToken)
    {
        if (groupIds is { Count: 0 })
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var groups = groupIds is null ? "" : " AND " + database.IsAnyOf("group_id", "@Groups");
        // An array whatever collection the caller passed: Npgsql binds it as a PostgreSQL array.
        var rows = await connection.QueryAsync<DecisionRow>(new CommandDefinition(
            $"SELECT {DecisionColumns} FROM join_decisions WHERE decided_at >= @From AND decided_at < @To{groups} ORDER BY decided_at, id LIMIT @Limit",
            new { From = StoredTime.ToBoundText(from), To = StoredTime.ToBoundText(to), Groups = groupIds?.ToArray(), Limit = limit },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToDecision())];
    }

    public async Task<bool> BlockAsync(UserBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        return await database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO user_blocks (platform, user_id, at, note, incident_id) VALUES (@Platform, @UserId, @At, @Note, @IncidentId) ON CONFLICT (platform, user_id) DO NOTHING",
                new { block.Platform, block.UserId, At = StoredTime.ToText(block.At), block.Note, block.IncidentId },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<bool> UnblockAsync(string platform, string userId, CancellationToken cancellationToken) =>
        await database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM user_blocks WHERE platform = @Platform AND user_id = @UserId",
                new { Platform = platform, UserId = userId },
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false) > 0;

    public async Task<UserBlock?> FindAsync(string platform, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<BlockRow>(new CommandDefinition(
            $"SELECT {BlockColumns} FROM user_blocks WHERE platform = @Platform AND user_id = @UserId",
            new { Platform = platform, UserId = userId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToBlock();
    }

    public async Task<IReadOnlyList<UserBlock>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<BlockRow>(new CommandDefinition(
            $"SELECT {BlockColumns} FROM user_blocks ORDER BY at, platform, user_id",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToBlock())];
    }

    private sealed class BlockRow
    {
        public string Platform { get; set; } = "";
        public string UserId { get; set; } = "";
        public string At { get; set; } = "";
        public string? Note { get; set; }
        public long? IncidentId { get; set; }

        public UserBlock ToBlock() => new(Platform, UserId, StoredTime.Parse(At, $"user_blocks {Platform}/{UserId} at"), Note, IncidentId);
    }

    private sealed class DecisionRow
    {
        public long Id { get; set; }
        public string Time { get; set; } = "";
        public string DecidedAt { get; set; } = "";
        public string Platform { get; set; } = "";
        public string Protocol { get; set; } = "";
        public string BotId { get; set; } = "";
        public string GroupId { get; set; } = "";
        public string? GroupName { get; set; }
        public string UserId { get; set; } = "";
        public string? Nickname { get; set; }
        public string Comment { get; set; } = "";
        public string Flag { get; set; } = "";
        public string Outcome { get; set; } = "";
        public string Reason { get; set; } = "";
        public string? Rule { get; set; }
        public string? Category { get; set; }
        public string? MatchedTerm { get; set; }
        public string ActionStatus { get; set; } = "";
        public string? ActionError { get; set; }
        public string? ActionErrorKind { get; set; }
        public string? BlockNote { get; set; }

        public JoinDecision ToDecision()
        {
            var where = $"join_decisions {Id}";
            return new JoinDecision
            {
                Id = Id,
                Time = StoredTime.Parse(Time, where + " time"),
                DecidedAt = StoredTime.Parse(DecidedAt, where + " decided_at"),
                Platform = Platform,
                Protocol = EnumText<Core.Protocol>.Parse(Protocol, where + " protocol"),
                BotId = BotId,
                GroupId = GroupId,
                GroupName = GroupName,
                UserId = UserId,
                Nickname = Nickname,
                Comment = Comment,
                Flag = Flag,
                Outcome = EnumText<JoinOutcome>.Parse(Outcome, where + " outcome"),
                Reason = EnumText<JoinReason>.Parse(Reason, where + " reason"),
                Rule = Rule,
                Category = Category,
                MatchedTerm = MatchedTerm,
                ActionStatus = EnumText<Core.ActionStatus>.Parse(ActionStatus, where + " action_status"),
                ActionError = ActionError,
                ActionErrorKind = ActionErrorKind is null ? null : EnumText<Core.ActionErrorKind>.Parse(ActionErrorKind, where + " action_error_kind"),
                BlockNote = BlockNote,
            };
        }
    }
}
