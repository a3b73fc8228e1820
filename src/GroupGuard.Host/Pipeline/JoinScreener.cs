using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Screens a request to join a group (a <see cref="ChatMessage"/> with
/// <see cref="ChatMessage.JoinRequest"/>): a blocked applicant is turned away; otherwise the
/// comment and the applicant's nickname go through the group's rules, and a hit of a rule in
/// enforce mode whose category the group rejects on (<c>GroupGuard:Join:RejectOn</c>) turns the
/// request away, whatever that rule's own action (a join request has no legitimate reason to carry
/// an advert). A clean request is let in when the group says <c>AutoApprove</c>, else left to its
/// admins; one that could not be screened in full (the detector failed, the block list could not be
/// read) is never let in: it is left to the admins, and recorded as such. Every decision is stored before the platform is called (so a replay does not answer a
/// request twice), then its outcome; a request left with nothing against it is not recorded. The
/// answer goes out through <see cref="JoinAnswerQueue"/>, off the moderation worker. The
/// applicant's nickname, when the event has none, is asked of the platform for at most
/// <see cref="NicknameTimeout"/> on the service's clock: a bridge that is down holds back the
/// messages after the request no longer than a sender's role lookup does. A request that is
/// recorded is named by its group's name as incidents are (<see cref="GroupNames"/>: remembered, else
/// asked of the platform within 5 s, and not again for 10 minutes when it could not say).
/// </summary>
internal sealed partial class JoinScreener(
    IRuleSetProvider rules,
    IOptionsMonitor<JoinOptions> options,
    ModerationSettings settings,
    IJoinDecisions decisions,
    IUserBlocks blocks,
    IEnumerable<IJoinRequestActions> adapters,
    IncidentsInFlight inFlight,
    IncidentWriter writer,
    PipelineStats stats,
    ILogger<JoinScreener> logger,
    JoinAnswerQueue answers,
    TimeProvider time,
    IWordSegmenter? segmenter = null,
    DryRunSwitches? dryRunSwitches = null,
    Telemetry.GroupGuardMetrics? metrics = null,
    GroupNames? groupNames = null)
{
    /// <summary>How long the platform is given to say an applicant's nickname before the request is screened without it.</summary>
    public static readonly TimeSpan NicknameTimeout = TimeSpan.FromSeconds(5);

    // A bot that is no admin of a group fails every request's answer there alike: one warning for the
    // first, the same failure again (same group, same reason) within LogThrottle.Interval counted into the next.
    private readonly LogThrottle _failureLines = new(time);

    public async Task<ModerationOutcome> ScreenAsync(ChatMessage request, CancellationToken stoppingToken)
    {
        var info = request.JoinRequest ?? throw new ArgumentException("not a join request", nameof(request));
        var group = settings.For(request.GroupId);
        var policy = JoinOverride.Resolve(options.CurrentValue, group.Group?.Join);
        if (!policy.Enabled)
        {
            return ModerationOutcome.Done;
        }

        var adapter = adapters.FirstOrDefault(a => a.Protocols.Contains(request.Protocol));
        var nickname = request.SenderName;
        if (nickname is null && adapter is not null)
        {
            nickname = await NicknameAsync(adapter, request, time, logger, stoppingToken);
        }

        var (block, blocksUnread) = policy.RejectBlocked ? await BlockOfAsync(request, stoppingToken) : (null, false);
        List<RuleHit> hits;
        string? unscreened = blocksUnread ? JoinDecision.BlockListUnread : null;
        try
        {
            hits = [.. ModerationPolicy.Applicable(Detect(request, nickname), group.Group)];
        }
        catch (Exception ex)
        {
            LogDetectionFailed(ex, request.Platform, request.GroupId, request.UserId);
            stats.Failed();
            hits = [];
            unscreened = JoinDecision.DetectionFailed;
        }

        // A request not screened in full is not let in: the admins decide, as without AutoApprove.
        var rejecting = hits.FirstOrDefault(h => h.Rule.Mode == RuleMode.Enforce && policy.RejectOn.Contains(h.Rule.Category, StringComparer.OrdinalIgnoreCase));
        var (outcome, reason, decisive) = (block, rejecting) switch
        {
            ({ }, _) => (JoinOutcome.Rejected, JoinReason.Blocked, rejecting ?? Strongest(hits)),
            (null, { }) => (JoinOutcome.Rejected, JoinReason.Rule, rejecting),
            _ when hits.Count > 0 => (JoinOutcome.Left, JoinReason.Rule, Strongest(hits)),
            _ when unscreened is not null => (JoinOutcome.Left, JoinReason.Unscreened, null),
            _ when policy.AutoApprove => (JoinOutcome.Approved, JoinReason.Clean, null),
            _ => (JoinOutcome.Left, JoinReason.Clean, null),
        };

        if (outcome == JoinOutcome.Left && reason == JoinReason.Clean)
        {
            // Nothing against the applicant, nothing to do: the admins see the request as always.
            stats.Processed(0);
            return ModerationOutcome.Done;
        }

        // A decision recorded names its group as incidents do (OneBot v11's request carries only the
        // id): remembered, else asked of the platform (GroupNames), beside the dry-run switch's read.
        var naming = groupNames is null ? Task.FromResult(request) : groupNames.NamedAsync(request, stoppingToken);
        var dryRunSwitch = dryRunSwitches is null ? null : await dryRunSwitches.ReadAsync(request.Platform, request.GroupId, stoppingToken);
        request = await naming;
        var dryRun = ModerationPolicy.DryRun(dryRunSwitch, group.Group, group.Options);
        var status = outcome == JoinOutcome.Left ? ActionStatus.Skipped
            : adapter is null ? ActionStatus.Unsupported
            : dryRun ? ActionStatus.DryRun
            : ActionStatus.Pending;

        (StoreOutcome Outcome, (long Id, bool Added) Result) stored;
        JoinDecision decision;

        // The decision time stays open until the write commits, so a digest due meanwhile waits for it.
        using (var flight = inFlight.Begin())
        {
            decision = new JoinDecision
            {
                Time = request.Time,
                DecidedAt = flight.Now,
                Platform = request.Platform,
                Protocol = request.Protocol,
                BotId = request.BotId,
                GroupId = request.GroupId,
                GroupName = StoredText.Cut(request.GroupName, StoredText.MaxNameChars),
                UserId = request.UserId,
                Nickname = StoredText.Cut(nickname, StoredText.MaxNameChars),
                Comment = Kept(request.Text, decisive, group.Privacy.StoreText),
                Flag = info.Flag,
                Outcome = outcome,
                Reason = reason,
                Rule = decisive?.Rule.Id,
                Category = decisive?.Rule.Category,
                MatchedTerm = decisive is null ? null : StoredText.Term(decisive.Matched, decisive.Rule.Category, group.Privacy.StoreText),
                ActionStatus = status,
                ActionError = status == ActionStatus.Unsupported ? $"{WireNames<Protocol>.ToText(request.Protocol)} has no call that answers a join request"
                    : reason == JoinReason.Unscreened ? unscreened
                    : null,
                ActionErrorKind = status == ActionStatus.Unsupported ? ActionErrorKind.PlatformCannot : null,
                BlockNote = StoredText.Cut(block?.Note, StoredText.MaxNameChars),
            };

            stored = await writer.StoreAsync(() => decisions.AddAsync(decision, CancellationToken.None), WriteOf.Message("The join decision", request), stoppingToken);
        }

        if (stored.Outcome != StoreOutcome.Stored)
        {
            return stored.Outcome == StoreOutcome.Refused ? ModerationOutcome.Unstorable : ModerationOutcome.NotStored;
        }

        stats.Processed(1);
        LogDecided(request.Platform, request.GroupId, request.UserId, outcome, reason, decision.Rule ?? "-", status);
        if (!stored.Result.Added || status != ActionStatus.Pending)
        {
            // A replay of a request already decided was answered (or left) the first time.
            return ModerationOutcome.Done;
        }

        var answer = new JoinAnswer
        {
            Protocol = request.Protocol,
            Platform = request.Platform,
            BotId = request.BotId,
            GroupId = request.GroupId,
            UserId = request.UserId,
            Request = info,
            Approve = outcome == JoinOutcome.Approved,
            Reason = outcome == JoinOutcome.Rejected ? policy.Reason : null,
        };

        // The platform is called off the moderation worker: a bridge slow to answer, or down (a
        // call waits up to its budget for a socket), holds back no message behind the request.
        var job = new JoinAnswerJob(adapter!, answer, stored.Result.Id, request);
        if (!answers.TryEnqueue(job))
        {
            LogAnswersFull(request.Platform, request.GroupId, request.UserId, JoinAnswerQueue.Capacity);
            await RecordAsync(job, ActionResult.Failed(ActionErrorKind.QueueFull, $"{JoinAnswerQueue.Capacity} join answers were waiting to go out already"));
        }

        return ModerationOutcome.Done;
    }

    /// <summary>Calls the platform with the request's answer and records what it said on the decision.</summary>
    internal async Task AnswerAsync(JoinAnswerJob job, CancellationToken stoppingToken)
    {
        var request = job.Request;
        ActionResult result;
        var started = metrics?.Start() ?? 0;
        try
        {
            result = await job.Adapter.AnswerAsync(job.Answer, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = ActionResult.Failed(ActionErrorKind.Refused, ex.Message);
        }
        catch (OperationCanceledException)
        {
            result = ActionResult.Failed(ActionErrorKind.Interrupted, "the service stopped before the platform answered");
        }

        if (result.Status == ActionStatus.Failed)
        {
            stats.ActionFailed(result.Error ?? "failed", result.ErrorKind);
        }
        else if (result.Status == ActionStatus.Done)
        {
            stats.ActionDone();
        }

        metrics?.Action(request.Platform, Telemetry.GroupGuardMetrics.JoinAnswer, result.Status, metrics.Since(started));
        if (result.Status == ActionStatus.Failed)
        {
            // The one line of a failure: the adapters' own lines about its tries are at Debug.
            var error = result.Error ?? "failed";
            if (_failureLines.Occurred($"{request.Platform} group {request.GroupId}", $"{job.Answer.Approve}: {AdapterHealth.Template(error)}") is > 0 and var count)
            {
                LogAnswerFailed(request.Platform, request.GroupId, request.UserId, job.Answer.Approve, error, count);
            }
        }
        else
        {
            if (string.IsNullOrEmpty(result.Error))
            {
                LogAnswered(request.Platform, request.GroupId, request.UserId, job.Answer.Approve, result.Status);
            }
            else
            {
                LogAnsweredWithError(request.Platform, request.GroupId, request.UserId, job.Answer.Approve, result.Status, result.Error);
            }
        }

        await RecordAsync(job, result);
    }

    /// <summary>Records what became of the request's answer on its decision.</summary>
    internal async Task RecordAsync(JoinAnswerJob job, ActionResult result) =>
        await writer.StoreAsync(() => decisions.UpdateStatusAsync(job.DecisionId, result.Status, result.Error, result.ErrorKind, CancellationToken.None), WriteOf.Message("The join request's answer", job.Request), CancellationToken.None);

    /// <summary>The hits of the comment and of the nickname, each rule once (the comment's first).</summary>
    private List<RuleHit> Detect(ChatMessage request, string? nickname)
    {
        var ruleSet = rules.Current;
        var hits = new List<RuleHit>(MessageDetector.Detect(ruleSet, request.Text, request.GroupId, TextOrigin.Typed, segmenter).Hits);
        if (!string.IsNullOrWhiteSpace(nickname))
        {
            foreach (var hit in MessageDetector.Detect(ruleSet, nickname, request.GroupId, TextOrigin.Typed, segmenter).Hits)
            {
                if (!hits.Exists(h => h.Rule.Id == hit.Rule.Id))
                {
                    // A span into the nickname, not the comment: kept apart by a negative start.
                    hits.Add(hit with { Start = -1 });
                }
            }
        }

        return hits;
    }

    private static RuleHit? Strongest(List<RuleHit> hits) =>
        hits.Where(h => h.Rule.Mode == RuleMode.Enforce).OrderByDescending(h => h.Rule.Severity).FirstOrDefault()
        ?? hits.OrderByDescending(h => h.Rule.Severity).FirstOrDefault();

    /// <summary>The comment as the privacy setting keeps evidence, the decisive hit's span masked when it lies in the comment.</summary>
    private static string Kept(string comment, RuleHit? hit, StoreText storeText)
    {
        EvidenceSpan[] spans = hit is { Start: >= 0 } h && h.Start + h.Length <= comment.Length ? [new EvidenceSpan(h.Start, h.Length)] : [];
        return StoredText.Kept(comment, spans, storeText, out _);
    }

    /// <summary>
    /// The applicant's nickname as the platform says it within <see cref="NicknameTimeout"/>; null
    /// when it cannot say in time (the request is screened on its comment alone).
    /// </summary>
    internal static async Task<string?> NicknameAsync(IJoinRequestActions adapter, ChatMessage request, TimeProvider time, ILogger logger, CancellationToken stoppingToken)
    {
        using var deadline = new Deadline(NicknameTimeout, time, stoppingToken);
        try
        {
            return await adapter.GetNicknameAsync(request.Protocol, request.BotId, request.UserId, deadline.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogNicknameFailed(logger, ex, request.Platform, request.UserId);
            return null;
        }
    }

    /// <summary>The applicant's block, if any; <c>Unread</c> when the list could not be read.</summary>
    private async Task<(UserBlock? Block, bool Unread)> BlockOfAsync(ChatMessage request, CancellationToken stoppingToken)
    {
        try
        {
            return (await blocks.FindAsync(request.Platform, request.UserId, stoppingToken), false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The list is unreadable: the rules still screen the request, which may turn it away,
            // but it is not let in (a blocked spammer would be): left to the admins.
            stats.StorageFailed(ex.Message);
            LogBlocksUnread(ex, request.Platform, request.UserId);
            return (null, true);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Join request: {Platform} group {GroupId} user {UserId} {Outcome} ({Reason}, rule {Rule}), answer {Status}")]
    private partial void LogDecided(string platform, string groupId, string userId, JoinOutcome outcome, JoinReason reason, string rule, ActionStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Join request of {UserId} in {Platform} group {GroupId} answered (approve: {Approve}): {Status}")]
    private partial void LogAnswered(string platform, string groupId, string userId, bool approve, ActionStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Join request of {UserId} in {Platform} group {GroupId} answered (approve: {Approve}): {Status} {Error}")]
    private partial void LogAnsweredWithError(string platform, string groupId, string userId, bool approve, ActionStatus status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer to the join request of {UserId} in {Platform} group {GroupId} (approve: {Approve}) failed: {Error}; the request is left to the group's admins ({Count} answers failed in this group since its last such line; the same failure again within 10 s is counted, not logged)")]
    private partial void LogAnswerFailed(string platform, string groupId, string userId, bool approve, string error, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer to the join request of {UserId} in {Platform} group {GroupId} is not sent: {Capacity} answers are waiting to go out already; the request is left to the group's admins")]
    private partial void LogAnswersFull(string platform, string groupId, string userId, int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "Detection failed on the join request of {UserId} in {Platform} group {GroupId}; screened by the block list only, and not approved")]
    private partial void LogDetectionFailed(Exception ex, string platform, string groupId, string userId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Nickname of applicant {UserId} on {Platform} could not be had in time; the request is screened without it")]
    private static partial void LogNicknameFailed(ILogger logger, Exception ex, string platform, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The block list could not be read for applicant {UserId} on {Platform}; the rules alone screen the request, and it is not approved")]
    private partial void LogBlocksUnread(Exception ex, string platform, string userId);
}
