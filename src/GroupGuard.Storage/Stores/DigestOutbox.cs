using System.Runtime.CompilerServices;
using Dapper;
using GroupGuard.Core.Digests;

namespace GroupGuard.Storage.Stores;

/// <summary>
/// The digest outbox in the incident database: <c>digests</c> keyed by leader and period end,
/// and one <c>digest_channels</c> row per channel. The schema is the incident store's: it is
/// created by <see cref="IncidentStore.InitializeAsync"/>, and writes take the same
/// database writer turn (SQLite); on PostgreSQL every instance shares the outbox, and a claim
/// or an outcome is one statement or holds the digest's row.
/// </summary>
/// <remarks>
/// <para>Status rules. A channel is <c>pending</c> while the sender will still try it (the caller
/// records a failed attempt as pending, with its error and attempt count), <c>sent</c> once it
/// arrived, and <c>failed</c> when the sender gives up on it. The digest's status follows from its
/// channels: <c>pending</c> while any channel is pending; otherwise <c>sent</c> when every channel
/// is sent (also when it has no channels: there is nothing left to send), <c>failed</c> when none
/// is, and <c>partial</c> when some are.</para>
/// <para><see cref="UnfinishedAsync"/> returns digests with a pending channel, and also those with
/// a failed channel tried fewer than maxAttempts times: a sender that records every failure as
/// failed, or a raised retry limit, still gets its retries, and a later success moves the digest
/// to sent or partial.</para>
/// <para>A sent channel stays sent: an outcome recorded for it later (a second instance's late
/// failure) is ignored, so the digest is never sent to that channel again.</para>
/// <para>A channel that posts a message in parts counts the parts that arrived
/// (<c>parts_delivered</c>) as each arrives, apart from its outcome: the count only rises, an
/// outcome leaves it as it is, and a retry reads it after its claim and starts after it.</para>
/// </remarks>
internal sealed class DigestOutbox : IDigestOutbox
{

    // One row per digest and channel (one with null channel columns for a digest without any),
    // ordered so that a digest's rows come together, channels by name.
    private const string SelectSql = """
        SELECT d.id AS Id, d.leader AS Leader, d.period_from AS PeriodFrom, d.period_to AS PeriodTo,
            d.status AS Status, d.created_at AS CreatedAt, d.title AS Title, d.markdown AS Markdown,
            d.text AS Text, d.html AS Html, d.incident_ids AS IncidentIds, d.chart_png AS ChartPng, d.high_seq AS HighSeq, d.messages AS Messages,
            d.pending_ids AS PendingIds, c.channel AS Channel, c.status AS ChannelStatus, c.attempts AS Attempts, c.error AS Error,
            c.error_kind AS ErrorKind, c.sent_at AS SentAt, c.parts_delivered AS PartsDelivered
        FROM digests d LEFT JOIN digest_channels c ON c.digest_id = d.id
        """;

    private const string OrderSql = " ORDER BY d.period_to, d.id, c.channel";

    // RETURNING yields no row when the digest for that leader and period end is already there.
    private const string InsertDigestSql = """
        INSERT INTO digests (leader, period_from, period_to, status, created_at, title, markdown, text, html, incident_ids, chart_png, high_seq, messages, pending_ids)
        VALUES (@Leader, @PeriodFrom, @PeriodTo, @Status, @CreatedAt, @Title, @Markdown, @Text, @Html, @IncidentIds, @ChartPng, @HighSeq, @Messages, @PendingIds)
        ON CONFLICT (leader, period_to) DO NOTHING
        RETURNING id
        """;

    private const string InsertChannelSql = """
        INSERT INTO digest_channels (digest_id, channel, status, attempts, error, sent_at)
        VALUES (@DigestId, @Channel, 'pending', 0, NULL, NULL)
        """;

    private const string UpsertChannelSql = """
        INSERT INTO digest_channels (digest_id, channel, status, attempts, error, error_kind, sent_at)
        VALUES (@DigestId, @Channel, @Status, @Attempts, @Error, @ErrorKind, @SentAt)
        ON CONFLICT (digest_id, channel) DO UPDATE SET
            status = excluded.status, attempts = excluded.attempts, error = excluded.error, error_kind = excluded.error_kind, sent_at = excluded.sent_at,
            claimed_until = @NotBefore, claimed_by = NULL
        WHERE digest_channels.status <> 'sent'
        """;

    private const string ClaimChannelSql = """
        UPDATE digest_channels SET claimed_until = @Until, claimed_by = @Holder
        WHERE digest_id = @DigestId AND channel = @Channel AND status <> 'sent'
          AND (claimed_until IS NULL OR claimed_until <= @Now)
        """;

    // Only ever up, and never once sent: a late record of another try leaves the count where it is.
    private const string RecordPartsSql = """
        UPDATE digest_channels SET parts_delivered = @Parts
        WHERE digest_id = @DigestId AND channel = @Channel AND status <> 'sent' AND parts_delivered < @Parts
        """;

    private const string UnfinishedWhereSql = """
         WHERE d.id IN (
            SELECT digest_id FROM digest_channels
            WHERE status = 'pending' OR (status = 'failed' AND attempts < @MaxAttempts))
        """;

    private readonly StorageDatabase _database;

    public DigestOutbox(StorageDatabase database)
    {
        _database = database;
    }

    /// <summary>The database whose writer turn this outbox shares.</summary>
    internal StorageDatabase Database => _database;

    public async Task<DateTimeOffset?> LastPeriodEndAsync(string leader, CancellationToken cancellationToken) =>
        (await LastPeriodAsync(leader, cancellationToken).ConfigureAwait(false))?.To;

    public async Task<DigestPeriod?> LastPeriodAsync(string leader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leader);

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var last = await connection.QueryFirstOrDefaultAsync<PeriodRow>(new CommandDefinition(
            "SELECT period_to AS PeriodTo, high_seq AS HighSeq FROM digests WHERE leader = @Leader ORDER BY period_to DESC LIMIT 1",
            new { Leader = leader },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return last is null ? null : new DigestPeriod(StoredTime.Parse(last.PeriodTo, $"The latest digest of leader '{leader}'"), last.HighSeq);
    }

    public async Task<DateTimeOffset?> FirstPeriodStartAsync(string leader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leader);

        // The earliest to end is the earliest to start (a leader's periods never overlap): one look through (leader, period_to).
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var first = await connection.QueryFirstOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT period_from FROM digests WHERE leader = @Leader ORDER BY period_to LIMIT 1",
            new { Leader = leader },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return first is null ? null : StoredTime.Parse(first, $"The first digest of leader '{leader}'");
    }

    public async Task<DigestRecord> CreateAsync(DigestRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Leader, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Title, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Markdown, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Text, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Html, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Channels, nameof(record));
        if (record.PeriodTo <= record.PeriodFrom)
        {
            throw new ArgumentException(
                $"The digest of leader '{record.Leader}' ends ({record.PeriodTo:O}) before or when it starts ({record.PeriodFrom:O}).",
                nameof(record));
        }

        var channels = record.Channels.Keys.ToArray();
        if (Array.Exists(channels, string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"The digest of leader '{record.Leader}' has a channel without a name.", nameof(record));
        }

        var row = new
        {
            record.Leader,
            PeriodFrom = StoredTime.ToText(record.PeriodFrom),
            PeriodTo = StoredTime.ToText(record.PeriodTo),
            Status = EnumText<DigestStatus>.ToText(StatusOf(channels.Select(_ => ChannelStatus.Pending))),
            CreatedAt = StoredTime.ToText(record.CreatedAt),
            record.Title,
            record.Markdown,
            record.Text,
            record.Html,
            IncidentIds = IdListText.ToText(record.IncidentIds),
            record.ChartPng,
            record.HighSeq,
            record.Messages,
            // Null when none: the alerts owed a follow-up are those with a list (AwaitingFollowUpAsync).
            PendingIds = record.PendingIds.Count == 0 ? null : IdListText.ToText(record.PendingIds),
        };

        return await _database.WriteAsync(
            async (connection, transaction) =>
            {
                // A leader's periods never overlap. Two instances that built the same alert with
                // different ends (one saw an incident the other had not yet) both get the first one
                // stored; on PostgreSQL they take turns on the leader for the look and the insert.
                if (_database.KeyLock("@Leader") is { } keyLock)
                {
                    await connection.ExecuteAsync(new CommandDefinition(keyLock, new { row.Leader }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                var overlapping = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                    "SELECT MIN(period_to) FROM digests WHERE leader = @Leader AND period_to > @PeriodFrom AND period_from < @PeriodTo",
                    new { row.Leader, row.PeriodFrom, row.PeriodTo },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                var id = overlapping is not null ? null : await connection.ExecuteScalarAsync<long?>(
                    new CommandDefinition(InsertDigestSql, row, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (id is { } newId && channels.Length > 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        InsertChannelSql,
                        channels.Select(c => new { DigestId = newId, Channel = c }),
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                // New or already there, the caller gets what is stored.
                var rows = await connection.QueryAsync<DigestRow>(new CommandDefinition(
                    SelectSql + " WHERE d.leader = @Leader AND d.period_to = @PeriodTo" + OrderSql,
                    new { row.Leader, PeriodTo = overlapping ?? row.PeriodTo },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                return Group(rows).Single();
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ClaimChannelAsync(long id, string channel, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        if (until <= now)
        {
            throw new ArgumentException($"A claim on channel '{channel}' of digest {id} must end after it starts.", nameof(until));
        }

        var row = new { DigestId = id, Channel = channel, Holder = holder, Now = StoredTime.ToText(now), Until = StoredTime.ToText(until) };
        var claimed = await _database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(ClaimChannelSql, row, transaction, cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false);
        return claimed == 1;
    }

    public async Task<int> ReleaseClaimsAsync(Func<string, bool> isGone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isGone);

        IEnumerable<string> holders;
        await using (var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            holders = await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT DISTINCT claimed_by FROM digest_channels WHERE claimed_by IS NOT NULL",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var gone = holders.Where(isGone).ToList();
        if (gone.Count == 0)
        {
            return 0;
        }

        return await _database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
                "UPDATE digest_channels SET claimed_until = NULL, claimed_by = NULL WHERE claimed_by = @Holder",
                gone.Select(h => new { Holder = h }),
                transaction,
                cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> PartsDeliveredAsync(long id, string channel, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT parts_delivered FROM digest_channels WHERE digest_id = @DigestId AND channel = @Channel",
            new { DigestId = id, Channel = channel },
            cancellationToken: cancellationToken)).ConfigureAwait(false) ?? 0;
    }

    public async Task RecordPartsDeliveredAsync(long id, string channel, int parts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentOutOfRangeException.ThrowIfNegative(parts);

        var row = new { DigestId = id, Channel = channel, Parts = parts };
        await _database.WriteAsync(
            (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(RecordPartsSql, row, transaction, cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task UpdateChannelAsync(long id, string channel, ChannelOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!Enum.IsDefined(outcome.Status))
        {
            throw new ArgumentException(
                $"Channel '{channel}' of digest {id} cannot be '{outcome.Status}': a channel is pending, sent or failed.", nameof(outcome));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(outcome.Attempts, nameof(outcome));

        var row = new
        {
            DigestId = id,
            Channel = channel,
            Status = EnumText<ChannelStatus>.ToText(outcome.Status),
            outcome.Attempts,
            Error = Core.Moderation.StoredText.Clean(outcome.Error),
            ErrorKind = outcome.Error is null || outcome.ErrorKind is not { } kind ? null : EnumText<ChannelErrorKind>.ToText(kind),
            SentAt = outcome.SentAt is { } sentAt ? StoredTime.ToText(sentAt) : null,
            // A retry's backoff, shared by every instance: a claim of nobody's that runs out then.
            NotBefore = outcome.Status != ChannelStatus.Sent && outcome.RetryNotBefore is { } notBefore ? StoredTime.ToText(notBefore) : null,
        };

        await _database.WriteAsync(
            async (connection, transaction) =>
            {
                // SQLite leaves foreign keys unchecked unless asked per connection: check here.
                // The digest's row is locked (PostgreSQL) so that two instances recording two
                // channels at once each see the other's outcome when they set the digest's status.
                var exists = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "SELECT id FROM digests WHERE id = @Id" + _database.ForUpdate, new { Id = id }, transaction, cancellationToken: cancellationToken))
                    .ConfigureAwait(false);
                if (exists is null)
                {
                    throw new InvalidOperationException($"Digest {id} is not in the outbox, so its channel '{channel}' cannot be updated.");
                }

                await connection.ExecuteAsync(new CommandDefinition(UpsertChannelSql, row, transaction, cancellationToken: cancellationToken))
                    .ConfigureAwait(false);
                var statuses = await connection.QueryAsync<string>(new CommandDefinition(
                    "SELECT status FROM digest_channels WHERE digest_id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken))
                    .ConfigureAwait(false);
                return await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE digests SET status = @Status WHERE id = @Id",
                    new { Id = id, Status = EnumText<DigestStatus>.ToText(StatusOf(statuses.Select(s => EnumText<ChannelStatus>.Parse(s, $"Digest {id}: channel status")))) },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DigestRecord>> UnfinishedAsync(int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxAttempts);

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DigestRow>(new CommandDefinition(
            SelectSql + UnfinishedWhereSql + OrderSql,
            new { MaxAttempts = maxAttempts },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Group(rows);
    }

    public async Task<DigestRecord?> LatestAsync(string leader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leader);
        const string Where = " WHERE d.id = (SELECT id FROM digests WHERE leader = @Leader ORDER BY period_to DESC LIMIT 1)";
        await foreach (var record in ReadAsync(SelectSql + Where + OrderSql, leader, cancellationToken).ConfigureAwait(false))
        {
            return record;
        }

        return null;
    }

    public async Task<IReadOnlyList<DigestRecord>> LatestDeliveriesAsync(IReadOnlyCollection<string> leaders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leaders);

        // One look per leader through the (leader, period_to) key, however many digests it has had;
        // no text, chart or incident ids.
        const string Sql = """
            SELECT d.id AS Id, d.leader AS Leader, d.period_from AS PeriodFrom, d.period_to AS PeriodTo,
                d.status AS Status, d.created_at AS CreatedAt, d.high_seq AS HighSeq,
                c.channel AS Channel, c.status AS ChannelStatus, c.attempts AS Attempts, c.error AS Error,
                c.error_kind AS ErrorKind, c.sent_at AS SentAt, c.parts_delivered AS PartsDelivered
            FROM digests d LEFT JOIN digest_channels c ON c.digest_id = d.id
            WHERE d.id = (SELECT id FROM digests WHERE leader = @Leader ORDER BY period_to DESC LIMIT 1)
            """;
        var latest = new List<DigestRecord>();
        if (leaders.Count == 0)
        {
            return latest;
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var leader in leaders.Distinct(StringComparer.Ordinal))
        {
            var rows = await connection.QueryAsync<DigestRow>(new CommandDefinition(
                Sql + OrderSql,
                new { Leader = leader },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            latest.AddRange(Group(rows));
        }

        return latest;
    }

    public async Task<IReadOnlyList<DigestRecord>> NewestAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        // The page's rows only, through the index on the period's end: not every digest ever kept.
        const string Where = " WHERE d.id IN (SELECT id FROM digests ORDER BY period_to DESC, id DESC LIMIT @Count)";
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DigestRow>(new CommandDefinition(
            SelectSql + Where + OrderSql,
            new { Count = count },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var records = Group(rows);
        records.Reverse();
        return records;
    }

    public async Task<IReadOnlyList<DigestRecord>> AwaitingFollowUpAsync(string leader, string followUps, DateTimeOffset endedAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leader);
        ArgumentNullException.ThrowIfNull(followUps);

        // Through the (leader, period_to) key, on both sides: the leader's recent entries, and for
        // each one with a list the follow-up of the same period end, if there is one.
        const string Where = """
             WHERE d.leader = @Leader AND d.period_to > @After AND d.pending_ids IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM digests f WHERE f.leader = @FollowUps AND f.period_to = d.period_to)
            """;
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DigestRow>(new CommandDefinition(
            SelectSql + Where + OrderSql,
            new { Leader = leader, FollowUps = followUps, After = StoredTime.ToText(endedAfter) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Group(rows);
    }

    public async Task<DigestRecord?> GetAsync(string leader, DateTimeOffset periodTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leader);

        // Through the (leader, period_to) key.
        const string Where = " WHERE d.leader = @Leader AND d.period_to = @PeriodTo";
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DigestRow>(new CommandDefinition(
            SelectSql + Where + OrderSql,
            new { Leader = leader, PeriodTo = StoredTime.ToText(periodTo) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return Group(rows).FirstOrDefault();
    }

    public IAsyncEnumerable<DigestRecord> ListAsync(string? leader, CancellationToken cancellationToken) =>
        ReadAsync(SelectSql + (leader is null ? "" : " WHERE d.leader = @Leader") + OrderSql, leader, cancellationToken);

    private async IAsyncEnumerable<DigestRecord> ReadAsync(string sql, string? leader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = connection.QueryUnbufferedAsync<DigestRow>(sql, new { Leader = leader }).WithCancellation(cancellationToken).ConfigureAwait(false);

        var assembler = new DigestAssembler();
        await foreach (var row in rows)
        {
            if (assembler.Add(row) is { } record)
            {
                yield return record;
            }
        }

        if (assembler.Finish() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>The digest's status from its channels' (see the class remarks).</summary>
    internal static DigestStatus StatusOf(IEnumerable<ChannelStatus> channelStatuses)
    {
        int sent = 0, failed = 0;
        foreach (var status in channelStatuses)
        {
            switch (status)
            {
                case ChannelStatus.Sent:
                    sent++;
                    break;
                case ChannelStatus.Failed:
                    failed++;
                    break;
                default:
                    return DigestStatus.Pending;
            }
        }

        return failed == 0 ? DigestStatus.Sent : sent == 0 ? DigestStatus.Failed : DigestStatus.Partial;
    }

    private static List<DigestRecord> Group(IEnumerable<DigestRow> rows)
    {
        var records = new List<DigestRecord>();
        var assembler = new DigestAssembler();
        foreach (var row in rows)
        {
            if (assembler.Add(row) is { } record)
            {
                records.Add(record);
            }
        }

        if (assembler.Finish() is { } last)
        {
            records.Add(last);
        }

        return records;
    }

    /// <summary>Turns rows that come grouped by digest into records: a digest is complete when the next one starts.</summary>
    private sealed class DigestAssembler
    {
        private DigestRow? _head;
        private Dictionary<string, ChannelOutcome> _channels = new(StringComparer.Ordinal);

        /// <summary>The previous digest when <paramref name="row"/> starts a new one, else null.</summary>
        public DigestRecord? Add(DigestRow row)
        {
            var done = _head is not null && _head.Id != row.Id ? Finish() : null;
            _head = row;
            row.AddChannelTo(_channels);
            return done;
        }

        public DigestRecord? Finish()
        {
            if (_head is null)
            {
                return null;
            }

            var record = _head.ToRecord(_channels);
            _head = null;
            _channels = new Dictionary<string, ChannelOutcome>(StringComparer.Ordinal);
            return record;
        }
    }

    /// <summary>One row of <see cref="SelectSql"/>: a digest and one of its channels (null columns when it has none).</summary>
    private sealed class PeriodRow
    {
        public string PeriodTo { get; set; } = "";

        public long? HighSeq { get; set; }
    }

    private sealed class DigestRow
    {
        public long Id { get; set; }
        public string Leader { get; set; } = "";
        public string PeriodFrom { get; set; } = "";
        public string PeriodTo { get; set; } = "";
        public string Status { get; set; } = "";
        public string CreatedAt { get; set; } = "";
        public string Title { get; set; } = "";
        public string Markdown { get; set; } = "";
        public string Text { get; set; } = "";
        public string Html { get; set; } = "";
        public string IncidentIds { get; set; } = IdListText.Empty;
        public byte[]? ChartPng { get; set; }
        public long? HighSeq { get; set; }
        public long? Messages { get; set; }
        public string? PendingIds { get; set; }
        public string? Channel { get; set; }
        public string? ChannelStatus { get; set; }
        public long? Attempts { get; set; }
        public string? Error { get; set; }
        public string? ErrorKind { get; set; }
        public string? SentAt { get; set; }
        public long? PartsDelivered { get; set; }

        public void AddChannelTo(Dictionary<string, ChannelOutcome> channels)
        {
            if (Channel is null)
            {
                return;
            }

            channels[Channel] = new ChannelOutcome(
                EnumText<ChannelStatus>.Parse(ChannelStatus ?? "", $"Channel '{Channel}' of digest {Id}: status"),
                Attempts is >= 0 and <= int.MaxValue
                    ? (int)Attempts.Value
                    : throw new InvalidDataException($"Channel '{Channel}' of digest {Id} has {Attempts} attempts."),
                Error,
                SentAt is null ? null : StoredTime.Parse(SentAt, $"Channel '{Channel}' of digest {Id}: sent_at"))
            {
                // An unknown name (a later version's kind) reads as other, as an outcome recorded before kinds were kept reads as none.
                ErrorKind = ErrorKind is null ? null : Core.WireNames<ChannelErrorKind>.TryParse(ErrorKind, out var kind) ? kind : ChannelErrorKind.Other,
                PartsDelivered = PartsDelivered is >= 0 and <= int.MaxValue
                    ? (int)PartsDelivered.Value
                    : throw new InvalidDataException($"Channel '{Channel}' of digest {Id} has {PartsDelivered} parts delivered."),
            };
        }

        public DigestRecord ToRecord(Dictionary<string, ChannelOutcome> channels) => new()
        {
            Id = Id,
            Leader = Leader,
            PeriodFrom = StoredTime.Parse(PeriodFrom, $"Digest {Id}: period_from"),
            PeriodTo = StoredTime.Parse(PeriodTo, $"Digest {Id}: period_to"),
            Status = EnumText<DigestStatus>.Parse(Status, $"Digest {Id}: status"),
            CreatedAt = StoredTime.Parse(CreatedAt, $"Digest {Id}: created_at"),
            Title = Title,
            Markdown = Markdown,
            Text = Text,
            Html = Html,
            IncidentIds = IdListText.Parse(IncidentIds, $"Digest {Id}: incident_ids"),
            PendingIds = IdListText.Parse(PendingIds, $"Digest {Id}: pending_ids"),
            ChartPng = ChartPng,
            HighSeq = HighSeq,
            Messages = Messages is >= 0 and <= int.MaxValue or null
                ? (int?)Messages
                : throw new InvalidDataException($"Digest {Id} counted {Messages} messages."),
            Channels = channels,
        };
    }
}
