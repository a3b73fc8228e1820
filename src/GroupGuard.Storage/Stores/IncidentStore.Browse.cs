using Dapper;
using GroupGuard.Core;

namespace GroupGuard.Storage.Stores;

/// <summary>The console's reads: filtered pages (keyset on id) and the overview's counts.</summary>
internal sealed partial class IncidentStore
{
    /// <summary>The most rows one page may ask for.</summary>
    internal const int MaxPageSize = 500;

    /// <summary>
    /// An incident's status as it has settled, in SQL (SQLite's and PostgreSQL's alike): the
    /// definition is <see cref="Core.Digests.DigestBuilder.SettledStatus"/>, and this must read as it
    /// does. A pending incident whose recall, mute or kick were carried out while its group warning
    /// still waits (<c>acts_outcome</c> set, and not pending) is what came of those (done, failed,
    /// unsupported); any other its <c>action_status</c>. The overview's outcomes and the list's
    /// status filter read this, as the digest, the list's rows and an incident's page read that.
    /// </summary>
    internal const string SettledStatus =
        "(CASE WHEN action_status = 'pending' AND acts_outcome IS NOT NULL AND acts_outcome <> 'pending' THEN acts_outcome ELSE action_status END)";

    public async Task<IReadOnlyList<Incident>> BrowseAsync(IncidentFilter filter, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        if (filter.Scope is { Count: 0 })
        {
            return []; // a reader limited to no group sees nothing (not everything)
        }

        var conditions = new List<string>();
        var parameters = new DynamicParameters();
        if (beforeId is { } before)
        {
            conditions.Add("id < @Before");
            parameters.Add("Before", before);
        }

        if (GroupFilter(filter.Scope) is { } scope)
        {
            conditions.Add(_database.IsAnyOf("group_id", "@Scope"));
            parameters.Add("Scope", scope);
        }

        void Equal(string column, string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                conditions.Add($"{column} = @{name}");
                parameters.Add(name, value);
            }
        }

        Equal("group_id", "GroupId", filter.GroupId);
        Equal("user_id", "UserId", filter.UserId);
        Equal("pack", "Pack", filter.Pack);
        Equal("rule", "Rule", filter.Rule);
        Equal("severity", "Severity", EnumText<Severity>.ToText(filter.Severity));
        if (filter.Outcome is { } outcome)
        {
            // As the overview counts outcomes: by the settled status (SettledStatus), a log rule's
            // done is logged, and done is the rest.
            (ActionStatus Status, bool? LogRule) wanted = outcome switch
            {
                IncidentOutcome.Logged => (ActionStatus.Done, true),
                IncidentOutcome.Done => (ActionStatus.Done, false),
                IncidentOutcome.Pending => (ActionStatus.Pending, null),
                IncidentOutcome.Failed => (ActionStatus.Failed, null),
                IncidentOutcome.Skipped => (ActionStatus.Skipped, null),
                IncidentOutcome.DryRun => (ActionStatus.DryRun, null),
                IncidentOutcome.Exempt => (ActionStatus.Exempt, null),
                IncidentOutcome.Unsupported => (ActionStatus.Unsupported, null),
                _ => throw new ArgumentOutOfRangeException(nameof(filter), outcome, "Not an incident outcome."),
            };
            conditions.Add(SettledStatus + " = @Status");
            parameters.Add("Status", EnumText<ActionStatus>.ToText(wanted.Status));
            if (wanted.LogRule is { } log)
            {
                conditions.Add(log ? "decided_action = @LogAction" : "decided_action <> @LogAction");
                parameters.Add("LogAction", EnumText<ModerationAction>.ToText(ModerationAction.Log));
            }
        }

        if (filter.FalsePositive is { } falsePositive)
        {
            conditions.Add("false_positive = @FalsePositive");
            parameters.Add("FalsePositive", falsePositive ? 1 : 0);
        }

        if (filter.From is { } from)
        {
            conditions.Add("time >= @From");
            parameters.Add("From", StoredTime.ToBoundText(from));
        }

        if (filter.To is { } to)
        {
            conditions.Add("time < @To");
            parameters.Add("To", StoredTime.ToBoundText(to));
        }

        if (!string.IsNullOrEmpty(filter.Text))
        {
            // Not LIKE: the words typed are searched for as they are (% and _ are text).
            conditions.Add(_database.ContainsIgnoringCase("message_text", "@Text"));
            parameters.Add("Text", filter.Text);
        }

        parameters.Add("Limit", limit);
        var sql = $"SELECT {Columns} FROM incidents"
            + (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions))
            + " ORDER BY id DESC LIMIT @Limit";

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<IncidentRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToIncident())];
    }

    public async Task<IncidentOverview> OverviewAsync(
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan utcOffset,
        IReadOnlyCollection<string>? scope,
        int top,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        if (scope is { Count: 0 })
        {
            return new IncidentOverview([], [], [], [], 0, 0, 0, 0);
        }

        var groups = GroupFilter(scope);
        var inScope = groups is null ? "" : " AND " + _database.IsAnyOf("group_id", "@Scope");
        var where = "time >= @From AND time < @To" + inScope;

        // As the digest counts: incidents marked false positive are left out, and counted apart.
        var counted = where + " AND false_positive = 0";
        var parameters = new
        {
            From = StoredTime.ToBoundText(from),
            To = StoredTime.ToBoundText(to),
            Scope = groups,
            Shift = $"{(int)utcOffset.TotalMinutes:+0;-0} minutes",
            Top = top,
        };

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        async Task<List<T>> Query<T>(string sql) =>
            [.. await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false)];

        // As the digest counts: by message, a message of several hits (a rule's on its text and its
        // picture, two rules) once; once in each category, rule and group it hit (Offence in Core).
        // A message is its platform, group and id (Incident.MessageKey); its hits share its time.
        var messageKey = "platform, group_id, message_id";
        var perDay = await Query<DayRow>(
            $"SELECT Day, Category, COUNT(*) AS Count FROM (SELECT DISTINCT {_database.DayOf("time", "@Shift")} AS Day, category AS Category, {messageKey} FROM incidents WHERE {counted}) m GROUP BY Day, Category ORDER BY Day, Category").ConfigureAwait(false);
        // A log rule's incident is done once it is recorded, with nothing done to the message or the
        // member: it counts as logged, so "done" counts only recalls, mutes, kicks and warnings carried
        // out (IncidentOutcome; BrowseAsync filters by the same). Each by its settled status
        // (SettledStatus): a mute carried out whose warning still waits is done, as its row reads.
        // Outcomes count incidents, one a hit, as the incident list each links to shows them: a
        // message's hits may have different outcomes.
        var outcomes = await Query<NamedRow>(
            $"SELECT CASE WHEN decided_action = 'log' AND {SettledStatus} = 'done' THEN '{IncidentOverview.Logged}' ELSE {SettledStatus} END AS Name, COUNT(*) AS Count FROM incidents WHERE {counted} GROUP BY 1 ORDER BY 2 DESC, 1").ConfigureAwait(false);
        var rules = await Query<NamedRow>(
            $"SELECT Name, COUNT(*) AS Count FROM (SELECT DISTINCT rule AS Name, {messageKey} FROM incidents WHERE {counted}) m GROUP BY Name ORDER BY Count DESC, Name LIMIT @Top").ConfigureAwait(false);
        // A group is its platform and id (two platforms' groups may share an id), with the name its
        // incidents of the period carry, the newest (a group renamed reads by its name now), as the
        // digest names it (二年级家长群（111111）); none: its id alone.
        var groupName = $"(SELECT n.group_name FROM incidents n WHERE n.platform = m.platform AND n.group_id = m.group_id AND n.group_name IS NOT NULL AND n.group_name <> '' AND n.time >= @From AND n.time < @To ORDER BY n.time DESC, n.id DESC LIMIT 1)";
        var topGroups = await Query<NamedRow>(
            $"SELECT platform AS Platform, group_id AS Name, COUNT(*) AS Count, {groupName} AS Title FROM (SELECT DISTINCT {messageKey} FROM incidents WHERE {counted}) m GROUP BY platform, group_id ORDER BY Count DESC, Name, Platform LIMIT @Top").ConfigureAwait(false);
        var totals = (await Query<TotalsRow>(
            $"SELECT CAST(COALESCE(SUM(1 - false_positive), 0) AS BIGINT) AS Incidents, CAST(COALESCE(SUM(false_positive), 0) AS BIGINT) AS FalsePositives FROM incidents WHERE {where}").ConfigureAwait(false)).Single();
        var offending = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM (SELECT DISTINCT {messageKey} FROM incidents WHERE {counted}) m",
            parameters,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var messages = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM message_counts WHERE hour >= @From AND hour < @To" + inScope,
            parameters,
            cancellationToken: cancellationToken)).ConfigureAwait(false);

        return new IncidentOverview(
            [.. perDay.Select(d => new DayCount(DateOnly.ParseExact(d.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.Category, (int)d.Count))],
            [.. outcomes.Select(o => new NamedCount(o.Name, (int)o.Count))],
            [.. rules.Select(o => new NamedCount(o.Name, (int)o.Count))],
            [.. topGroups.Select(o => new NamedCount(o.Name, (int)o.Count, o.Title, o.Platform))],
            (int)offending,
            (int)totals.Incidents,
            (int)totals.FalsePositives,
            messages);
    }

    private sealed class DayRow
    {
        public string Day { get; set; } = "";
        public string Category { get; set; } = "";
        public long Count { get; set; }
    }

    private sealed class NamedRow
    {
        public string Name { get; set; } = "";
        public long Count { get; set; }
        public string? Title { get; set; }
        public string? Platform { get; set; }
    }

    private sealed class TotalsRow
    {
        public long Incidents { get; set; }
        public long FalsePositives { get; set; }
    }
}
