using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Forwards;
using GroupGuard.Core.Images;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Images;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// What a message's pictures held, judged the way its text was: the payload of each QR code runs
/// through every rule (the <c>qr</c> detector only there), so does the text read off each picture
/// when OCR is on (<see cref="TextOrigin.PictureText"/>: not <c>qr</c>), each picture's hash is
/// looked up in the block list (<c>images.blocked</c>, in every group), and the hits go through the
/// same policy, incident writer and action queue, acting on the original message. The incidents'
/// text is the message's followed by a line per code, picture text or blocked picture saying which
/// picture and what it held. A picture that came in a forwarded bundle is the message's too (its
/// recall removes the bundle), and its incident quotes the inner message as a forwarded text hit
/// does: the inner text followed by the picture's lines, with how deep it lay and who the bundle
/// says sent it.
/// </summary>
internal sealed partial class Moderator
{
    /// <summary>The built-in rule for a picture near one on the block list.</summary>
    public const string BlockedRuleId = BlockedPictures.RuleId;

    /// <summary>Its pack: applies in every group, whatever packs the group chose.</summary>
    public const string BlockedPackId = BlockedPictures.Category;

    /// <summary>Judges the pictures read of <paramref name="message"/>; returns how many incidents were stored.</summary>
    public async Task<int> ModeratePicturesAsync(
        ChatMessage message,
        IReadOnlyList<PictureCheck> pictures,
        IReadOnlyList<ImageBlock> blocks,
        ImagesOptions images,
        CancellationToken stoppingToken)
    {
        var ruleSet = rules.Current;
        var evidence = new StringBuilder(message.Text);
        var hits = new List<RuleHit>();

        // The pictures of forwarded messages: each inner message's evidence (its text, then its
        // pictures' lines) and the hits in it, spans in that evidence.
        var quoted = new Dictionary<ForwardedMessage, StringBuilder>(ReferenceEqualityComparer.Instance);
        var inner = new List<(RuleHit Hit, ForwardedPicture From)>();
        var pictureOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var check in pictures.Where(p => p.Reading.Outcome == PictureOutcome.Read))
        {
            var reading = check.Reading;
            foreach (var code in reading.Codes)
            {
                Match(check, $"二维码({QrPayloads.NameOf(QrPayloads.Classify(code))})", code, TextOrigin.QrCode);
            }

            if (reading.Text is { Length: > 0 } text)
            {
                Match(check, "图中文字", text, TextOrigin.PictureText);
            }

            if (reading.Hash is { } hash && Nearest(blocks, hash) is { } near)
            {
                var lines = EvidenceOf(check);
                var tag = $"[图片{check.Index} {reading.Where}]";
                var start = lines.Length + 1;
                lines.Append('\n').Append(tag).Append($" 与屏蔽图片 #{near.Block.Id} 相近(相差 {near.Distance} 位)");
                if (pictureOf.TryAdd(BlockedRuleId, check.Index))
                {
                    Add(check, new RuleHit(BlockedRule(images), $"#{near.Block.Id} ({near.Distance} bits)", start, tag.Length));
                }
            }
        }

        // Where a picture's lines go: after the message's text, or the inner message's it came in.
        StringBuilder EvidenceOf(PictureCheck check)
        {
            if (check.Forwarded is not { } from)
            {
                return evidence;
            }

            if (!quoted.TryGetValue(from.Source, out var lines))
            {
                lines = new StringBuilder(from.Source.Text);
                quoted.Add(from.Source, lines);
            }

            return lines;
        }

        void Add(PictureCheck check, RuleHit hit)
        {
            if (check.Forwarded is { } from)
            {
                inner.Add((hit, from));
            }
            else
            {
                hits.Add(hit);
            }
        }

        // What a picture held, as a line of the evidence, through every rule of its origin.
        void Match(PictureCheck check, string label, string text, TextOrigin origin)
        {
            var lines = EvidenceOf(check);
            var line = $"\n[图片{check.Index} {check.Reading.Where}] {label}: ";
            var offset = lines.Length + line.Length;
            lines.Append(line).Append(text);
            foreach (var hit in MessageDetector.Detect(ruleSet, text, message.GroupId, origin, segmenter).Hits)
            {
                // A rule reports one hit a message, as on text: the first picture's.
                if (pictureOf.TryAdd(hit.Rule.Id, check.Index))
                {
                    Add(check, hit with { Start = hit.Start + offset });
                }
            }
        }

        if (hits.Exists(h => h.Rule.NewcomerHours is not null) || inner.Exists(h => h.Hit.Rule.NewcomerHours is not null))
        {
            // A newcomer rule on a QR code or a picture's text weighs the sender's join time as the text path does.
            var joinedAt = await JoinedAtAsync(message, stoppingToken);
            hits = hits.FindAll(h => AppliesTo(h.Rule, message, joinedAt));
            inner = inner.FindAll(h => AppliesTo(h.Hit.Rule, message, joinedAt));
        }

        var existing = await IncidentsOfAsync(message, stoppingToken);
        if (hits.Count == 0 && inner.Count == 0)
        {
            await KeepPicturesAsync(existing.Select(i => i.Id), pictures, _ => true, stoppingToken);
            return 0;
        }

        var group = settings.For(message.GroupId);
        var scope = WithBuiltInPack(group.Group);
        var role = message.SenderRole;
        var offences = 0;
        var naming = NamedAsync(message, stoppingToken); // beside the role lookup, as for the text
        var dryRunSwitch = await DryRunSwitchAsync(message, stoppingToken);
        var trustedHere = await TrustedAsync(message, stoppingToken);
        if (ModerationPolicy.Actionable(hits.Concat(inner.Select(h => h.Hit)), scope))
        {
            role = await SenderRoles.OfAsync(platform, message, time, stoppingToken);

            // The count takes in this message's own offence when its text made one already, by the
            // same test the store applies for this decision (a dry run's counts the dry runs too).
            var dryRun = ModerationPolicy.DryRun(dryRunSwitch, scope, group.Options);
            var own = existing.Any(i => (dryRun ? i.CountsInDryRun : i.CountsAsOffence) && !i.FalsePositive);
            offences = Math.Max(0, await CountOffencesAsync(message, group.Options, dryRun, stoppingToken) - (own ? 1 : 0));
        }

        message = await naming;

        Decision decision;
        IReadOnlyList<long>? ids;
        using (var flight = inFlight.Begin())
        {
            var context = ContextFor(message, group, scope, offences, role, flight.Now, dryRunSwitch, trustedHere);
            var scanned = message with { Text = evidence.ToString(), Cards = [] };

            // A forwarded picture's hit quotes its inner message, as a forwarded text hit does.
            var forwarded = inner.Select(h => new ForwardedHit(h.Hit, h.From.Source with { Text = quoted[h.From.Source].ToString(), Cards = [] }, h.From.Depth)).ToList();
            decision = WithoutRepeats(ModerationPolicy.Decide(scanned, hits, ruleSet.Version, context, forwarded: forwarded), existing);
            if (decision.Incidents.Count == 0)
            {
                return 0;
            }

            (_, ids) = await writer.WriteAsync(decision.Incidents, stoppingToken);
        }

        if (ids is null)
        {
            // Stopping with storage down: a replay of the message reads its pictures again. Or the
            // database refused the incidents: given up on, as the writer logged.
            return 0;
        }

        for (var i = 0; i < ids.Count; i++)
        {
            LogIncidentOrDuplicate(decision, i, ids);
        }

        await QueueActionsAsync(decision, ids, []);

        // Each new incident keeps its own picture; the text's incidents keep every picture of the message.
        for (var i = 0; i < ids.Count; i++)
        {
            var index = pictureOf[decision.Incidents[i].Rule];
            await KeepPicturesAsync(ids[i] == 0 ? [] : [ids[i]], pictures, p => p.Index == index, stoppingToken);
        }

        await KeepPicturesAsync(existing.Select(i => i.Id), pictures, _ => true, stoppingToken);
        return ids.Count(id => id != 0);
    }

    /// <summary>The rule <c>images.blocked</c> as <c>GroupGuard:Images</c> sets it.</summary>
    internal static Rule BlockedRule(ImagesOptions images) => new()
    {
        Id = BlockedRuleId,
        Name = BlockedPictures.Name,
        PackId = BlockedPackId,
        PackName = BlockedPictures.Name,
        Category = BlockedPackId,
        Severity = images.BlockedSeverity,
        Action = images.BlockedAction,
        MuteMinutes = images.BlockedMuteMinutes,
        Mode = RuleMode.Enforce,
        Groups = GroupScope.Everywhere,
        WarningTemplate = "请勿发布已被管理员屏蔽的图片",
        SourcePath = ImagesOptions.Section,
    };

    /// <summary>
    /// A rule GroupGuard adds to those of the rules folder (<c>images.blocked</c>), by its id, as
    /// what names an incident's rule by its id reads it (<see cref="Rule.Name"/>: <c>已屏蔽图片</c>,
    /// the console's <c>已屏蔽图片（images.blocked）</c>); null for any other id.
    /// </summary>
    internal static Rule? BuiltInRule(string id) => id == BlockedRuleId ? BlockedRule(new ImagesOptions()) : null;

    /// <summary>The nearest blocked picture within <see cref="PerceptualHash.NearDuplicateDistance"/> bits, if any.</summary>
    internal static (ImageBlock Block, int Distance)? Nearest(IReadOnlyList<ImageBlock> blocks, ulong hash)
    {
        (ImageBlock Block, int Distance)? best = null;
        foreach (var block in blocks)
        {
            var distance = PerceptualHash.Distance(block.Hash, hash);
            if (distance <= PerceptualHash.NearDuplicateDistance && (best is null || distance < best.Value.Distance))
            {
                best = (block, distance);
            }
        }

        return best;
    }

    /// <summary>A group limited to some packs still has the built-in pack: a blocked picture is blocked everywhere.</summary>
    private static GroupOverride? WithBuiltInPack(GroupOverride? group) =>
        group?.Packs is { } packs
            ? group.WithPacks([.. packs, BlockedPackId])
            : group;

    /// <summary>
    /// Leaves out the platform calls the message's text incidents asked for already (carried out,
    /// pending or refused): the message is recalled once, its sender muted once. When nothing is
    /// left to call, the pictures' incidents say so rather than wait.
    /// </summary>
    private static Decision WithoutRepeats(Decision decision, IReadOnlyList<Incident> existing)
    {
        var asked = new HashSet<ModerationAction>();
        foreach (var incident in existing.Where(i => i.ActionStatus is ActionStatus.Pending or ActionStatus.Done or ActionStatus.Failed))
        {
            asked.UnionWith(ActionPlan.Wanted(incident.DecidedAction, null));
            asked.UnionWith(incident.PlannedActions);
            if (incident.MuteSeconds > 0)
            {
                asked.Add(ModerationAction.Mute);
            }
        }

        var remaining = decision.Actions.Where(a => !asked.Contains(a.Action)).ToList();
        if (remaining.Count == decision.Actions.Count)
        {
            return decision;
        }

        var repeated = string.Join(" and ", decision.Actions.Where(a => asked.Contains(a.Action)).Select(a => a.Action.ToString().ToLowerInvariant()).Distinct());
        var incidents = decision.Incidents.Select(incident => incident.ActionStatus != ActionStatus.Pending
            ? incident
            : remaining.Count == 0
                ? incident with { ActionStatus = ActionStatus.Skipped, ActionError = $"the message's text incidents asked for the {repeated} already", ActionErrorKind = null, PlannedActions = [] }
                : incident with { PlannedActions = [.. remaining.Select(a => a.Action)] }).ToList();
        return new Decision(incidents, remaining);
    }

    private async Task<IReadOnlyList<Incident>> IncidentsOfAsync(ChatMessage message, CancellationToken stoppingToken)
    {
        try
        {
            // This message's only: an id the platform reused (OneBot implementations do after a
            // restart) finds an older message's incidents too, which are not this one's recall,
            // offence or pictures. Stored times keep whole milliseconds.
            var found = await store.FindByMessageAsync(new GroupMessageRef(message.Platform, message.BotId, message.GroupId, message.MessageId), stoppingToken);
            var sent = message.Time.ToUnixTimeMilliseconds();
            return [.. found.Where(i => i.Time.ToUnixTimeMilliseconds() == sent)];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            stats.StorageFailed(ex.Message);
            return [];
        }
    }

    /// <summary>Keeps the read pictures' hashes on incidents, for <c>images block</c>; a failure costs only that.</summary>
    private async Task KeepPicturesAsync(IEnumerable<long> incidentIds, IReadOnlyList<PictureCheck> pictures, Func<PictureCheck, bool> which, CancellationToken stoppingToken)
    {
        if (blocks is null)
        {
            return;
        }

        var kept = (from id in incidentIds
                    from check in pictures
                    where check.Reading.Hash is not null && which(check)
                    select new IncidentPicture(id, check.Index, check.Reading.Hash!.Value, check.Reading.Where)).ToList();
        if (kept.Count == 0)
        {
            return;
        }

        try
        {
            await blocks.AddPicturesAsync(kept, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPicturesNotKept(ex, string.Join(",", kept.Select(k => k.IncidentId).Distinct()));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The picture hashes of incidents {Ids} could not be kept; 'images block' cannot block them")]
    private partial void LogPicturesNotKept(Exception ex, string ids);
}
