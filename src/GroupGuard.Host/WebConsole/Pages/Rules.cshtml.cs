using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;
using GroupGuard.Host.Rules;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

/// <summary>One hit in the sandbox, with the text it covers as written and how it matched (none where that cannot be told: a detector's).</summary>
public sealed record SandboxHit(string Rule, string Matched, int Start, int Length, string Written, IReadOnlyList<string> Ways);

/// <summary>
/// A term found in a sandbox line that did not count: the text it covers as written, and why
/// (an English sentence the page translates, and a detail such as the allowed text).
/// </summary>
public sealed record SandboxMiss(string Rule, string Matched, int Start, int Length, string Written, string Why, string? Detail);

/// <summary>
/// A flood, repeat or @all rule at a line of a chat log: what it counted, said in the page's
/// language; <paramref name="Fired"/> false for one that came close.
/// </summary>
public sealed record SandboxStream(string Rule, string Said, bool Fired);

/// <summary>
/// One sandbox line: the text, its folded form, its hits and its near misses. Tried as a chat log,
/// also its number, time and sender (<paramref name="Meta"/>), its flood, repeat and @all findings,
/// or, for a line that is not a chat line, why (<paramref name="Problem"/>).
/// </summary>
public sealed record SandboxLine(string Line, string Folded, IReadOnlyList<SandboxHit> Hits, IReadOnlyList<SandboxMiss> Misses, string? Meta = null, IReadOnlyList<SandboxStream>? Streams = null, string? Problem = null)
{
    public IReadOnlyList<SandboxStream> StreamFindings => Streams ?? [];

    public bool Flagged => Hits.Count > 0 || StreamFindings.Any(s => s.Fired);
}

public sealed class RulesModel(IRuleSetProvider provider, TimeProvider time, IWordSegmenter? segmenter = null) : ConsolePage
{
    public const int MaxSandboxChars = 20_000;
    public const int MaxSandboxLines = 500;
    public const int MaxGroupIdLength = Core.MessageLimits.MaxIdLength;
    public const int MaxFolderLength = 400;

    public RuleSet Running => provider.Current;

    public IReadOnlyList<string> Problems => [.. provider.Status.Errors, .. provider.Status.Warnings];

    public string? SandboxText { get; private set; }

    public string? Folder { get; private set; }

    /// <summary>The group the sandbox reads the lines as sent in (its allow list, the packs' <c>groups:</c>); empty: none, and only the packs for every group count.</summary>
    public string? Group { get; private set; }

    /// <summary>
    /// With no group given: the packs of the rules tried that do not apply in every group (their
    /// <c>groups:</c> name some, or leave some out), which the sandbox left out.
    /// </summary>
    public IReadOnlyList<RulePack> LeftOut { get; private set; } = [];

    /// <summary><see cref="LeftOut"/> with the groups each applies in: <c>local（仅 111111）、night（全部群，除 222222）</c>.</summary>
    public string LeftOutList => T.English
        ? string.Join(", ", LeftOut.Select(p => $"{p.Id} ({T.Groups(p.Groups)})"))
        : string.Join("、", LeftOut.Select(p => $"{p.Id}（{T.Groups(p.Groups)}）"));

    public IReadOnlyList<string> FolderErrors { get; private set; } = [];

    /// <summary>Whether the lines were tried as a chat log: a time, a sender and the text each.</summary>
    public bool Chat { get; private set; }

    /// <summary>Tried as a chat log: each flood, repeat and @all rule over the whole log (how often it fired, how close it came).</summary>
    public IReadOnlyList<(string Rule, string Said)> StreamSummaries { get; private set; } = [];

    public IReadOnlyList<SandboxLine>? Results { get; private set; }

    public string? ResultVersion { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostSandboxAsync(string? text, string? folder, string? group, bool chat = false)
    {
        SandboxText = text ?? "";
        Chat = chat;
        Folder = folder?.Trim();
        Group = group?.Trim() is { Length: > 0 } g ? g : null;
        if (SandboxText.Length > MaxSandboxChars)
        {
            return Refused(Format(T["The sandbox takes at most {0} characters at a time; this has {1}: try them in parts."], MaxSandboxChars, SandboxText.Length));
        }

        // A line break or a tab a message may hold; a NUL, pasted from elsewhere, is no character of one (stored, it is U+FFFD: StoredText.Clean).
        if (SandboxText.Contains('\0', StringComparison.Ordinal))
        {
            return Refused(T["The sandbox's messages may not hold a NUL character (U+0000): take it out and send it again."]);
        }

        if (FieldWords("As sent in group", Group, MaxGroupIdLength) is { } groupWords)
        {
            return Refused(groupWords);
        }

        var all = SandboxText.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var lines = all.Where(l => l.Length > 0).ToList();
        if (lines.Count > MaxSandboxLines)
        {
            return Refused(Format(T["The sandbox takes at most {0} lines at a time; this has {1}: try them in parts."], MaxSandboxLines, lines.Count));
        }

        var rules = provider.Current;
        if (Folder is { Length: > 0 })
        {
            if (FieldWords("Rules folder", Folder, MaxFolderLength) is { } folderWords)
            {
                return Refused(folderWords);
            }

            var root = SandboxRoot(rules.Directory);
            var full = Path.GetFullPath(Folder, root);
            if (!IsInside(full, root))
            {
                return Refused(Format(T["{0} is a folder inside {1}, where the rules folder is (a name alone, rules-draft, is one beside it); {2} is not."], T["Rules folder"], root, Folder));
            }

            if (!Directory.Exists(full))
            {
                return Refused(Format(T["{0} is a folder inside {1}, where the rules folder is; there is no folder {2} on the server."], T["Rules folder"], root, Folder));
            }

            var loaded = RuleLoader.Load(full, time);
            if (loaded.RuleSet is null)
            {
                FolderErrors = [.. loaded.Errors.Select(e => e.ToString())];
                return Page();
            }

            rules = loaded.RuleSet;
        }

        // The running segmenter already knows the running rules' terms; another folder's are not
        // pushed into it (that would change the live service's word boundaries).
        Results = Chat ? TryChat(rules, all) : [.. lines.Select(line => Try(rules, line, segmenter, Group))];
        ResultVersion = rules.Version;
        LeftOut = Group is null ? [.. rules.Packs.Where(p => !p.Groups.EveryGroup)] : [];
        await AuditAsync("sandbox", Folder is { Length: > 0 } ? Folder : "running rules", $"{lines.Count} lines{(Chat ? " of chat" : "")}{(Group is null ? "" : $" as in group {Group}")}");
        return Page();
    }

    /// <summary>
    /// Why the sandbox did not try what was sent (too many lines, a folder elsewhere …), in the
    /// reader's words naming the field, shown on the sandbox under the form that still holds it.
    /// </summary>
    public string? SandboxProblem { get; private set; }

    /// <summary>
    /// A sandbox form the page cannot take: a 400 on the sandbox itself, its form holding what was
    /// typed (each field cut to its bound, as the form's <c>maxlength</c> keeps a browser's), and
    /// <paramref name="message"/> under it, so the lines are mended there, not typed again (a page
    /// of its own with a link back lost them).
    /// </summary>
    private IActionResult Refused(string message)
    {
        SandboxText = Bounded(SandboxText, MaxSandboxChars);
        Folder = Bounded(Folder, MaxFolderLength);
        Group = Bounded(Group, MaxGroupIdLength);
        SandboxProblem = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary><paramref name="text"/>'s first <paramref name="max"/> code units (one less rather than half a surrogate pair).</summary>
    private static string? Bounded(string? text, int max) =>
        text is null || text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];

    /// <summary>
    /// The folder whose subfolders the sandbox may try: the one the running rules folder is in. An
    /// admin of the console need not be an operator of the machine, and a folder's problems quote
    /// its YAML, so folders elsewhere on the server (another program's settings) are not read.
    /// At the top of the file system (rules in <c>/rules</c>, as a container mounts them) that
    /// would be every folder on the machine: then the rules folder's own subfolders only.
    /// </summary>
    internal static string SandboxRoot(string rulesDirectory)
    {
        var rules = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rulesDirectory));
        var parent = Path.GetDirectoryName(rules);
        return parent is null || string.Equals(Path.GetPathRoot(parent), parent, StringComparison.Ordinal) ? rules : parent;
    }

    private static bool IsInside(string full, string root)
    {
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return full.Length > prefix.Length && full.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>Why a term of a pack for some groups only did not count in a line tried in no group.</summary>
    internal const string NoGroupChosen = "no group chosen, and its pack applies in some groups only";

    /// <summary>
    /// One line's hits and near misses, read as sent in <paramref name="groupId"/>. With none, the
    /// line is read in no group in particular: only the packs for every group (<see cref="GroupScope.EveryGroup"/>)
    /// count, and what the others found is told as not counted for that (<see cref="NoGroupChosen"/>),
    /// once a rule where its finds overlap. (<c>scan</c> without <c>--group</c> applies every pack.)
    /// </summary>
    internal static SandboxLine Try(RuleSet rules, string line, IWordSegmenter? segmenter, string? groupId = null)
    {
        var (verdict, misses) = MessageDetector.Explain(rules, line, groupId, segmenter);
        bool Counts(Rule rule) => groupId is not null || rule.Groups.EveryGroup;
        var leftOut = new List<SandboxMiss>();
        foreach (var (rule, matched, start, length) in verdict.Hits.Where(h => !Counts(h.Rule)).Select(h => (h.Rule, h.Matched, h.Start, h.Length))
            .Concat(misses.Where(m => !Counts(m.Rule)).Select(m => (m.Rule, m.Matched, m.Start, m.Length)))
            .OrderBy(f => f.Start))
        {
            if (!leftOut.Any(k => k.Rule == rule.Id && k.Start < start + length && start < k.Start + k.Length))
            {
                leftOut.Add(new SandboxMiss(rule.Id, matched, start, length, line.Substring(start, length), NoGroupChosen, null));
            }
        }

        return new SandboxLine(
            line,
            rules.Fold(line),
            [.. verdict.Hits.Where(h => Counts(h.Rule)).Select(h =>
            {
                var written = line.Substring(h.Start, h.Length);
                return new SandboxHit(h.Rule.Id, h.Matched, h.Start, h.Length, written, FoldExplainer.Explain(rules, h.Rule, line, h.Start, h.Length, h.Matched));
            })],
            [.. misses.Where(m => Counts(m.Rule)).Select(m => new SandboxMiss(m.Rule.Id, m.Matched, m.Start, m.Length, line.Substring(m.Start, m.Length), Why(m), m.Reason is MissReason.Allowed or MissReason.Near or MissReason.AllowedDomain ? m.Detail : null)),
                .. leftOut]);
    }

    /// <summary>
    /// The lines as a chat log (<see cref="ChatReplay"/>): each message's own rules as
    /// <see cref="Try"/> reads them, and the flood, repeat and @all rules counted over the lines'
    /// times as the service counts them, those that came close too; a line that is not a chat line
    /// says why. Numbered as in the box, blank lines included.
    /// </summary>
    private List<SandboxLine> TryChat(RuleSet rules, string[] all)
    {
        var english = T.English;
        var replay = new ChatReplay(rules, segmenter, Group, explain: true, messageRules: false);
        var results = new List<SandboxLine>();
        var fired = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < all.Length; i++)
        {
            if (replay.Read(i + 1, all[i]) is not { } step)
            {
                continue;
            }

            var meta = english
                ? $"line {step.Line} · {ChatReplay.Show(step.Time)} · {step.Sender}"
                : $"第 {step.Line} 行 · {ChatReplay.Show(step.Time)} · {step.Sender}";
            if (step.Problem is { } problem)
            {
                results.Add(new SandboxLine(all[i], "", [], [], english ? $"line {step.Line}" : $"第 {step.Line} 行", Problem: ChatWords.Problem(problem, english)));
                continue;
            }

            var tried = Try(rules, step.Text, segmenter, Group);
            var streams = step.Hits.Select(h => new SandboxStream(h.Rule.Id, $"{step.Sender} @全体成员", true))
                .Concat(step.Streams.Select(s => new SandboxStream(s.Rule.Id, ChatWords.Describe(s, english), s.Fired)))
                .ToList();
            foreach (var rule in streams.Where(s => s.Fired).Select(s => s.Rule).Distinct(StringComparer.Ordinal))
            {
                fired[rule] = fired.GetValueOrDefault(rule) + 1;
            }

            results.Add(tried with { Meta = meta, Streams = streams });
        }

        StreamSummaries = [.. replay.StreamRules.Select(r => (r.Id, ChatWords.StreamSummary(replay, r, fired.GetValueOrDefault(r.Id), null, Group, english)))];
        return results;
    }

    /// <summary>Why a near miss did not count, as the page says it (translated by <see cref="ConsoleText"/>).</summary>
    internal static string Why(NearMiss miss) => miss.Reason switch
    {
        MissReason.OtherGroup => "its pack's groups leave this group out",
        MissReason.InsideAsciiWord => "inside a Latin word",
        MissReason.AcrossClauseBreak => "across punctuation, a face or a mention",
        MissReason.Allowed => "an allow phrase covers it",
        MissReason.PrecededBy => "a word of unless_preceded_by stands before it",
        MissReason.NoTarget when miss.Rule.Target == TermTarget.Group => "no group named near it (target: group)",
        MissReason.NoTarget => "nobody named near it (target: person)",
        MissReason.TargetInsideWord when miss.Rule.Target == TermTarget.Group => "the group words near it are parts of longer words (target: group)",
        MissReason.TargetInsideWord => "the person words near it are parts of longer words (target: person)",
        MissReason.HalfOfDoubledWord => "made by reading a doubled word once (他妈妈的)",
        MissReason.InsideWord => "part of a longer word (word mode)",
        MissReason.Near => "a phrase of unless_near stands in its sentence",
        MissReason.AllowedDomain => "its links are on the rule's allow_domains",
        _ => miss.Reason.ToString(),
    };
}
