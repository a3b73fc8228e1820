using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GroupGuard.Core.Detection.Detectors;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Images;
using GroupGuard.Core.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;
using YamlDotNet.RepresentationModel;

namespace GroupGuard.Core.Rules;

/// <summary>
/// Reads one pack file; collects its errors rather than throwing, and its warnings: a regex that
/// spells a character the folded text never holds (<see cref="RegexFoldCheck"/>, against <paramref name="folder"/>).
/// </summary>
internal sealed class PackReader(string file, string display, RuleProblems errors, IncrementalHash hash, TimeProvider time, TextFolder folder, RuleProblems warnings, LoadBudget budget, ISet<string>? named = null)
{
    private static readonly HashSet<string> PackKeys =
        ["pack", "name", "description", "category", "severity", "action", "mute_minutes", "mode", "groups", "warning", "unless_preceded_by", "unless_near", "unless_near_file", "rules"];

    private static readonly HashSet<string> RuleKeys =
    [
        "id", "name", "description", "terms", "terms_file", "match", "pinyin", "unless", "unless_preceded_by", "unless_near", "unless_near_file", "target", "target_scope", "regex", "detector",
        "allow_domains", "deny_domains", "kinds", "severity", "action", "mute_minutes", "mode", "category",
        "flood", "repeat", "mention_all", "warning", "newcomer_hours", "interference",
    ];

    private static readonly HashSet<string> StreamKeys = ["flood", "repeat", "mention_all"];

    // The keys that give a rule its terms, and every key that gives it something to match.
    private static readonly HashSet<string> TermKeys = ["terms", "terms_file"];
    private static readonly HashSet<string> MatcherKeys = [.. TermKeys, "regex", "detector", .. StreamKeys];

    // Every key a pack file may hold, for telling a mistyped key line from the text of a value.
    private static readonly HashSet<string> SyntaxKeys = [.. PackKeys, .. RuleKeys, "messages", "times", "seconds"];

    private readonly string _folder = Path.GetDirectoryName(file)!;

    // The pack's id once read, for errors about its own lists.
    private string? _packId;

    // Whether the pack's 'name' key was misspelt: its id in {pack} is then no mistake of its own.
    private bool _nameMisspelt;

    // The line of each rule's name, by rule id, for telling of two rules of the pack with one name.
    private readonly Dictionary<string, int> _nameLines = new(StringComparer.Ordinal);

    // Each unless_near_file read once, for the pack and every rule of it that names it again.
    private readonly Dictionary<string, List<(int Line, string Text)>> _phraseFiles = new(StringComparer.Ordinal);

    public int PackLine { get; private set; } = 1;

    public RulePack? Read()
    {
        if (RuleTextFiles.ReadText(file, display, errors, hash) is not { } text)
        {
            return null;
        }

        // Windows editors save UTF-8 with a byte order mark; YAML would read it as part of the first
        // key ("unknown pack key '\uFEFFpack'", shown with the mark invisible). The text files drop it too.
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        if (SafeYaml.Check(text) is { } unsafeYaml)
        {
            Error(Line(unsafeYaml.At), unsafeYaml.Message);
            return null;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            foreach (var (line, message) in YamlSyntax.Explain(text, SyntaxLine(text, ex), ex.InnerException?.Message ?? ex.Message, SyntaxKeys))
            {
                Error(line, message);
            }

            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            // A file saved empty (an editor's failed save, a pack emptied to switch it off) stops the
            // load as any error does; it says what to do rather than what YAML it lacks.
            Error(1, "the file is empty (or holds only comments): write a pack in it (pack: <id>, then rules:), or delete it; to set a pack aside, rename it to end in .off");
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(Line(stream.Documents[0].RootNode.Start), "a pack file must be a mapping with 'pack' and 'rules' (its first line: pack: <id>)");
            return null;
        }

        // A second document ("---" and another pack) would be dropped without a word; an empty one
        // (a "---" left at the end) holds nothing to drop.
        if (stream.Documents.Skip(1).FirstOrDefault(d => d.RootNode is not YamlScalarNode { Value: null or "" }) is { } second)
        {
            Error(Line(second.RootNode.Start), "a second YAML document ('---' and what follows): one pack a file; put the second in its own file");
        }

        // A key misspelt is one mistake, reported once: what follows only from its absence is not.
        var map = Keys(root, PackKeys, "pack", out var packMisspelt);

        var id = Scalar(map, "pack", root, required: !packMisspelt.Contains("pack"));
        _nameMisspelt = packMisspelt.Contains("name");
        PackLine = map.TryGetValue("pack", out var idNode) ? Line(idNode.Start) : 1;
        var name = Scalar(map, "name", root) ?? id;
        var category = Scalar(map, "category", root) ?? id;
        var severity = Enum(map, "severity", Severity.Medium);
        var action = Enum(map, "action", ModerationAction.Log);
        var mode = Enum(map, "mode", RuleMode.Enforce);
        var mute = Minutes(map, "mute_minutes", 10);
        var groups = Groups(map);
        var warning = Scalar(map, "warning", root, maxLength: MaxTextLength, text: true);
        _packId = id;
        var precededBy = Phrases(map, "unless_preceded_by", "unless_preceded_by word", null, out _);
        var near = NearPhrases(map, root, null);

        var rules = new List<Rule>();
        if (!map.TryGetValue("rules", out var rulesNode))
        {
            if (!packMisspelt.Contains("rules"))
            {
                Error(Line(root.Start), "missing 'rules'");
            }
        }
        else if (rulesNode is not YamlSequenceNode)
        {
            Error(Line(rulesNode.Start), "'rules' must be a list");
        }

        // A pack with errors is still returned, so that duplicates across files are found too;
        // the loader gives no rule set while any error stands.
        if (id is null)
        {
            return null;
        }

        // What every rule of the pack starts from; a rule overrides what it names.
        var defaults = new Rule
        {
            Id = "",
            PackId = id,
            PackName = name ?? id,
            Category = category ?? id,
            Severity = severity,
            Action = action,
            MuteMinutes = mute,
            Mode = mode,
            Groups = groups,
            WarningTemplate = warning,
            UnlessPrecededBy = precededBy,
            UnlessNear = near,
            SourcePath = display,
        };
        if (warning is not null)
        {
            // The rules that say the pack's warning: those without one of their own; {rule} gives the
            // name of those with a name: and the id of the others.
            var sayers = (rulesNode as YamlSequenceNode)?.Children.OfType<YamlMappingNode>()
                .Where(r => !r.Children.Keys.Any(k => k is YamlScalarNode { Value: "warning" }))
                .ToList() ?? [];
            var saying = sayers
                .Where(r => !r.Children.Keys.Any(k => k is YamlScalarNode { Value: "name" }))
                .Select(r => r.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "id" }).Value)
                .OfType<YamlScalarNode>()
                .Select(v => v.Value?.Trim())
                .OfType<string>()
                .ToList();
            WarnOfIds(warning, Line(map["warning"].Start), null, defaults.PackName, defaults.Category, saying, everyNamed: sayers.Count > 0 && saying.Count == 0);
        }

        if (rulesNode is YamlSequenceNode list)
        {
            rules.AddRange(list.Children.Select(item => ReadRule(item, defaults)).OfType<Rule>());
            WarnOfSharedNames(rules);
        }

        return new RulePack
        {
            Id = id,
            Name = defaults.PackName,
            Category = defaults.Category,
            Severity = severity,
            Action = action,
            MuteMinutes = mute,
            Mode = mode,
            Groups = groups,
            SourcePath = display,
            Rules = rules,
        };
    }

    private Rule? ReadRule(YamlNode node, Rule defaults)
    {
        if (node is not YamlMappingNode ruleNode)
        {
            Error(Line(node.Start), "each rule must be a mapping with an 'id'");
            return null;
        }

        var line = Line(ruleNode.Start);
        if (!budget.TakeRule(display, line))
        {
            return null;
        }

        // A key misspelt (terrms, acton) is one mistake, reported once on its line with the key to
        // write: what follows only from that key's absence (no terms, nothing to match, 'unless'
        // with no terms) is not reported beside it. The rule still fails to load by that error.
        var map = Keys(ruleNode, RuleKeys, "rule", out var misspelt);
        var missingTerms = misspelt.Overlaps(TermKeys);
        var missingText = missingTerms || misspelt.Contains("regex") || misspelt.Contains("detector");
        var id = Scalar(map, "id", ruleNode, required: !misspelt.Contains("id"));
        if (id is null)
        {
            return null;
        }

        var errorsBefore = errors.Total;
        var streamRule = ReadStream(map, id);
        var match = Enum(map, "match", TermMatch.Auto);
        var terms = new List<RuleTerm>();
        if (map.TryGetValue("terms", out var termsNode))
        {
            foreach (var (value, termLine) in List(termsNode, "terms", id))
            {
                AddTerm(terms, value, display, termLine, id, match);
            }
        }

        var termsFile = Scalar(map, "terms_file", ruleNode, maxLength: MaxTextLength);
        if (termsFile is not null)
        {
            ReadTermsFile(termsFile, Line(map["terms_file"].Start), id, terms, match);
        }

        if (terms.Count == 0 && errors.Total == errorsBefore && !budget.TermsPassed && (termsNode is not null || termsFile is not null) && !missingTerms)
        {
            // As an empty 'groups' is: the load would succeed with a rule that never fires. A terms
            // file saved empty (an editor's failed save) then keeps the last good rules in force.
            var empty = termsFile is null
                ? "'terms' is empty"
                : termsNode is null ? $"its terms_file {termsFile} holds none (it is empty, or holds only comments)" : $"'terms' is empty and its terms_file {termsFile} holds none";
            var at = termsFile is not null ? map["terms_file"] : termsNode!;
            Error(Line(at.Start), $"rule '{id}' has no terms: {empty}, so it would never fire; add terms (one a line in a terms file, terms: [加微信, 私聊领取] in the pack), or take the rule out");
        }

        var unless = Phrases(map, "unless", "unless phrase", id, out var unlessNode);
        if (!map.ContainsKey("pinyin"))
        {
            WarnOfIdleUnless(id, terms, unless);
        }

        var precededBy = PhrasesOr(map, "unless_preceded_by", "unless_preceded_by word", id, defaults.UnlessPrecededBy, out var precededNode);
        var nearNode = map.GetValueOrDefault("unless_near") ?? map.GetValueOrDefault("unless_near_file");
        var near = nearNode is null ? defaults.UnlessNear : NearPhrases(map, ruleNode, id);

        Regex? regex = null;
        var pattern = Scalar(map, "regex", ruleNode, maxLength: int.MaxValue, text: true);
        if (pattern is not null)
        {
            var regexLine = Line(map["regex"].Start);
            if (budget.TakeRegexRule(display, regexLine, id))
            {
                regex = Compile(pattern, regexLine, id);
            }
            if (regex is not null && pattern.Length > 1 && "‘“「『".Contains(pattern[0], StringComparison.Ordinal) && "’”」』".Contains(pattern[^1], StringComparison.Ordinal))
            {
                // Quotes typed with a Chinese input method are no YAML quotes: they are part of the regex.
                warnings.Add(new RuleError(display, regexLine, $"rule '{id}': the regex begins with {pattern[0]} and ends with {pattern[^1]}, which are part of it, so it fires only on text between those quotes; quote it with the ' of English punctuation: regex: '{pattern[1..^1]}'"));
            }

            if (regex is not null)
            {
                try
                {
                    foreach (var (written, folded) in RegexFoldCheck.DeadCharacters(pattern, folder))
                    {
                        warnings.Add(new RuleError(display, regexLine, RegexFoldCheck.Describe(id, written, folded)));
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
                {
                    // The check is advice: a pattern it misreads must not keep a good rule set from loading.
                    warnings.Add(new RuleError(display, regexLine, $"rule '{id}': the regex could not be checked for characters the fold rewrites ({ex.GetType().Name})"));
                }
            }
        }

        var allowDomains = map.TryGetValue("allow_domains", out var allowNode) ? List(allowNode, "allow_domains", id).Select(d => d.Value).ToList() : [];
        var denyDomains = map.TryGetValue("deny_domains", out var denyNode) ? List(denyNode, "deny_domains", id).Select(d => d.Value).ToList() : [];
        var kinds = map.TryGetValue("kinds", out var kindsNode) ? Kinds(kindsNode, id) : null;
        IDetector? detector = null;
        LinkHosts? allowedLinks = null;
        var detectorName = Scalar(map, "detector", ruleNode);
        if (detectorName is not null)
        {
            detector = DetectorFactory.Create(detectorName, allowDomains, denyDomains, time, out var detectorError, kinds);
            if (detector is null)
            {
                // A misplaced kinds: is the kinds line's fault, anything else the detector line's.
                var at = kindsNode is not null && detectorName != QrDetector.DetectorName && detectorError?.StartsWith("kinds", StringComparison.Ordinal) == true ? kindsNode : map["detector"];
                Error(Line(at.Start), $"rule '{id}': {detectorError}");
            }
        }
        else if (kindsNode is not null && !misspelt.Contains("detector"))
        {
            Error(Line(kindsNode.Start), $"rule '{id}': kinds go with 'detector: {QrDetector.DetectorName}'");
        }
        else if (pattern is not null && denyNode is null)
        {
            // A regex's match does not count when each link it takes in is on the list.
            if (allowDomains.Count > 0)
            {
                allowedLinks = DomainList.Parse(allowDomains, "allow_domains", out var domainError) is { } list
                    ? new LinkHosts(list)
                    : null;
                if (allowedLinks is null)
                {
                    Error(Line(allowNode!.Start), $"rule '{id}': {domainError}");
                }
            }
        }
        else if (pattern is not null)
        {
            Error(Line(denyNode!.Start), $"rule '{id}': deny_domains goes with 'detector: url'; a regex takes allow_domains, the hosts its links may have");
        }
        else if ((allowDomains.Count > 0 || denyDomains.Count > 0) && !misspelt.Contains("detector"))
        {
            Error(Line((allowNode ?? denyNode)!.Start), $"rule '{id}': allow_domains and deny_domains go with 'detector: url' (allow_domains with a regex too)");
        }

        var matchers = new[] { terms.Count > 0 || map.ContainsKey("terms") || termsFile is not null, pattern is not null, detectorName is not null, map.Keys.Any(StreamKeys.Contains) }.Count(k => k);
        if (matchers == 0 && !misspelt.Overlaps(MatcherKeys))
        {
            Error(line, $"rule '{id}' has nothing to match: give it terms, terms_file, regex, detector, flood, repeat or mention_all");
        }
        else if (matchers > 1 || map.Keys.Count(StreamKeys.Contains) > 1)
        {
            Error(line, $"rule '{id}' mixes terms, regex, detector and stream conditions: give each its own rule, so a hit says which one fired");
        }

        if (unless.Count > 0 && terms.Count == 0 && !map.ContainsKey("terms") && termsFile is null && !missingTerms)
        {
            Error(Line(unlessNode!.Start), $"rule '{id}': 'unless' applies to terms; this rule has none");
        }

        var matchesText = terms.Count > 0 || map.ContainsKey("terms") || termsFile is not null || pattern is not null || detectorName is not null;
        if (precededNode is not null && precededBy.Count > 0 && !matchesText && !missingText)
        {
            Error(Line(precededNode!.Start), $"rule '{id}': 'unless_preceded_by' applies to terms, a regex or a detector; this rule has none");
        }

        if (nearNode is not null && near.Count > 0 && !matchesText && !missingText)
        {
            Error(Line(nearNode!.Start), $"rule '{id}': 'unless_near' and 'unless_near_file' apply to terms, a regex or a detector; this rule has none");
        }

        var target = Enum(map, "target", TermTarget.Any);
        if (map.TryGetValue("target", out var targetNode) && terms.Count == 0 && !map.ContainsKey("terms") && termsFile is null && !missingTerms)
        {
            Error(Line(targetNode.Start), $"rule '{id}': 'target' applies to terms; this rule has none");
        }

        var scope = Enum(map, "target_scope", target == TermTarget.Group ? TargetScope.Sentence : TargetScope.Clause);
        if (map.TryGetValue("target_scope", out var scopeNode) && target == TermTarget.Any && !misspelt.Contains("target"))
        {
            Error(Line(scopeNode.Start), $"rule '{id}': 'target_scope' needs 'target: person' or 'target: group'");
        }

        var interference = Enum(map, "interference", Interference.Skip);
        if (map.TryGetValue("interference", out var interferenceNode) && regex is null && pattern is null && !misspelt.Contains("regex"))
        {
            Error(Line(interferenceNode.Start), $"rule '{id}': 'interference' applies to a regex; this rule has none");
        }

        var rule = defaults with
        {
            Id = id,
            Name = RuleName(map, ruleNode, id),
            Category = Scalar(map, "category", ruleNode) ?? defaults.Category,
            Severity = Enum(map, "severity", defaults.Severity),
            Action = Enum(map, "action", defaults.Action),
            Mode = Enum(map, "mode", defaults.Mode),
            MuteMinutes = Minutes(map, "mute_minutes", defaults.MuteMinutes),
            Match = match,
            Terms = terms,
            Pinyin = Bool(map, "pinyin", false),
            Unless = unless,
            UnlessPrecededBy = precededBy,
            UnlessNear = near,
            Target = target,
            TargetScope = scope,
            Regex = regex,
            Interference = interference,
            DetectorName = detector?.Name ?? detectorName,
            Detector = detector,
            AllowedLinks = allowedLinks,
            Stream = streamRule,
            WarningTemplate = Scalar(map, "warning", ruleNode, maxLength: MaxTextLength, text: true) ?? defaults.WarningTemplate,
            NewcomerHours = NewcomerHours(map),
            Line = line,
        };

        if (map.TryGetValue("mute_minutes", out var minutesNode) && rule.Action is not (ModerationAction.Mute or ModerationAction.Kick) && !misspelt.Contains("action") && errors.Total == errorsBefore)
        {
            // Read only for a mute, or a kick the platform cannot carry out: a warn rule given a mute
            // length for repeat offenders mutes nobody by it (escalation has steps of its own).
            var action = rule.Action.ToString().ToLowerInvariant();
            warnings.Add(new RuleError(display, Line(minutesNode.Start), $"rule '{id}': mute_minutes is used only with action mute (or kick, where the platform cannot kick), and this rule's action is {action}, so it is not used: to mute, write action: mute; repeat offenders are muted by the escalation steps of the service (GroupGuard:Moderation:Escalation)"));
        }

        if (map.TryGetValue("warning", out var warningNode) && rule.WarningTemplate is { } warning)
        {
            WarnOfIds(warning, Line(warningNode.Start), id, rule.PackName, rule.Category, [id], everyNamed: rule.Name is not null);
        }

        return rule;
    }

    /// <summary>
    /// A rule's <c>name:</c>, the label leaders read in digests and alerts in place of its id: one
    /// line of at most <see cref="Rule.MaxNameLength"/> characters; null, with an error, past it.
    /// </summary>
    private string? RuleName(Dictionary<string, YamlNode> map, YamlNode owner, string id)
    {
        if (Scalar(map, "name", owner, maxLength: int.MaxValue) is not { } name)
        {
            return null;
        }

        if (name.Length > Rule.MaxNameLength)
        {
            Error(Line(map["name"].Start), string.Create(CultureInfo.InvariantCulture, $"rule '{id}': 'name' is {name.Length} characters long; the limit is {Rule.MaxNameLength}: it is the short label leaders read in digests and alerts in place of the id (贷款诈骗 for fraud.loan); say more in 'description'"));
            return null;
        }

        _nameLines.TryAdd(id, Line(map["name"].Start));
        return name;
    }

    /// <summary>
    /// Warns of a rule whose name an earlier rule of the pack has already: a leader who reads
    /// 命中 贷款诈骗 could not tell which of them hit.
    /// </summary>
    private void WarnOfSharedNames(List<Rule> rules)
    {
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (rule.Name is { } name && !first.TryAdd(name, rule.Id) && _nameLines.TryGetValue(rule.Id, out var line))
            {
                warnings.Add(new RuleError(display, line, $"rule '{rule.Id}': its name '{name}' is rule '{first[name]}''s too, so digests and alerts would name both alike: give each rule of the pack a name of its own"));
            }
        }
    }

    // The most term and phrase pairs a rule's unless phrases are compared with its terms for (below):
    // a pack of a few hundred of each is checked in a millisecond; a folder-sized list is not checked.
    private const long MaxUnlessChecks = 1_000_000;

    /// <summary>
    /// Warns of <c>unless</c> phrases that can never cancel a hit: a phrase that is a term itself,
    /// which covers every hit of that term, so the term never fires; and a list of which no phrase
    /// holds any of the rule's terms: a phrase cancels only a hit it covers, so phrases meant for
    /// the hit's sentence (官方交易行 beside 卖号) cancel nothing, which is <c>unless_near</c>'s work.
    /// (A list shared by several rules through an alias may hold phrases for the others' terms, so
    /// one idle phrase beside working ones is no mistake.) Not for a rule with <c>pinyin</c>, whose
    /// spellings of a term a phrase may hold.
    /// </summary>
    private void WarnOfIdleUnless(string id, List<RuleTerm> terms, IReadOnlyList<RuleTerm> unless)
    {
        if (terms.Count == 0 || unless.Count == 0 || (long)terms.Count * unless.Count > MaxUnlessChecks)
        {
            return;
        }

        var folded = terms.Select(t => (Term: t, Folded: folder.FoldToString(t.Text))).Where(t => t.Folded.Length > 0).ToList();
        var idle = new List<RuleTerm>();
        foreach (var phrase in unless)
        {
            var text = folder.FoldToString(phrase.Text);
            if (folded.FirstOrDefault(t => t.Folded == text) is { Term: { } same })
            {
                warnings.Add(new RuleError(phrase.SourcePath, phrase.Line, $"rule '{id}': unless phrase '{phrase.Text}' is the rule's term '{same.Text}' itself, so it covers every hit of that term, which never fires; an unless phrase is a longer saying that holds a term (微信支付 for 微信): write the saying, or take the term out of the rule"));
            }
            else if (!folded.Exists(t => text.Contains(t.Folded, StringComparison.Ordinal)))
            {
                idle.Add(phrase);
            }
        }

        if (idle.Count == unless.Count)
        {
            var names = string.Join(", ", idle.Take(5).Select(p => p.Text)) + (idle.Count > 5 ? ", …" : "");
            var which = idle.Count == 1 ? $"its unless phrase '{idle[0].Text}' holds" : $"its unless phrases ({names}) hold";
            warnings.Add(new RuleError(idle[0].SourcePath, idle[0].Line, $"rule '{id}': {which} none of its terms, so {(idle.Count == 1 ? "it cancels" : "they cancel")} nothing: an unless phrase cancels only a hit inside it (微信支付 cancels 微信); to cancel a hit when a phrase stands anywhere in its sentence, put it in unless_near: [{names}]"));
        }
    }

    /// <summary>The rule's own list under <paramref name="key"/> when it has one (it replaces the pack's), else the pack's.</summary>
    private IReadOnlyList<RuleTerm> PhrasesOr(Dictionary<string, YamlNode> map, string key, string what, string id, IReadOnlyList<RuleTerm> pack, out YamlNode? node)
    {
        if (map.ContainsKey(key))
        {
            return Phrases(map, key, what, id, out node);
        }

        node = null;
        return pack;
    }

    /// <summary>
    /// A rule's list of phrases under <paramref name="key"/> (unless, unless_preceded_by,
    /// unless_near), or the pack's when <paramref name="id"/> is null; each must have something to match.
    /// </summary>
    private List<RuleTerm> Phrases(Dictionary<string, YamlNode> map, string key, string what, string? id, out YamlNode? node)
    {
        var phrases = new List<RuleTerm>();
        if (!map.TryGetValue(key, out node))
        {
            return phrases;
        }

        foreach (var (value, phraseLine) in List(node, key, id))
        {
            if (!AddPhrase(phrases, value, display, phraseLine, id, what, key))
            {
                break;
            }
        }

        return phrases;
    }

    /// <summary>
    /// Adds one phrase of a list under <paramref name="key"/> or of a phrases file (<paramref name="key"/>
    /// null), or reports why not (at <paramref name="path"/>, <paramref name="line"/>); false once the
    /// folder's bound on terms and phrases is passed. Several run together are a warning on the line,
    /// with the list to write, whichever key holds them.
    /// </summary>
    private bool AddPhrase(List<RuleTerm> phrases, string value, string path, int line, string? id, string what, string? key)
    {
        if (!budget.TakeTermLine(path, line, id, value.Length))
        {
            return false;
        }

        if (value.Length > LoadBudget.MaxTermLength)
        {
            errors.Add(new RuleError(path, line, $"{Who(id)}: {TooLong(null, what, value.Length)}"));
        }
        else if (TextFolder.Plain.FoldToString(value).Length == 0)
        {
            errors.Add(new RuleError(path, line, $"{Who(id)}: {what} '{value}' has no letters, digits or hanzi"));
        }
        else
        {
            if (RunTogether(value))
            {
                var several = what[(what.LastIndexOf(' ') + 1)..] + "s"; // phrases, words
                var instead = key is null
                    ? $"a phrases file takes one {several[..^1]} a line: put {{1}} on lines of their own"
                    : $"to give several {several}, separate them with the comma of English punctuation: {key}: [{{0}}]";
                warnings.Add(new RuleError(path, line, SeveralPhrases($"{Who(id)}: {what}", value, instead)));
            }

            phrases.Add(new RuleTerm(value, path, line));
        }

        return true;
    }

    /// <summary>
    /// The <c>unless_near</c> phrases of a pack (<paramref name="id"/> null) or a rule: its list and
    /// the lines of its <c>unless_near_file</c> (one phrase a line, <c>#</c> a comment, beside the packs).
    /// </summary>
    private List<RuleTerm> NearPhrases(Dictionary<string, YamlNode> map, YamlNode owner, string? id)
    {
        var phrases = Phrases(map, "unless_near", "unless_near phrase", id, out _);
        if (Scalar(map, "unless_near_file", owner, maxLength: MaxTextLength) is not { } name)
        {
            return phrases;
        }

        var line = Line(map["unless_near_file"].Start);
        var path = Path.GetFullPath(Path.Combine(_folder, name));
        named?.Add(path);
        if (!Path.Exists(path))
        {
            Error(line, $"{Who(id)}: unless_near_file '{name}' not found (looked for {path}){NearestNote(path)}");
            return phrases;
        }

        var fileDisplay = RuleTextFiles.Display(path);
        if (!_phraseFiles.TryGetValue(path, out var lines))
        {
            lines = _phraseFiles[path] = RuleTextFiles.ReadLines(path, fileDisplay, errors, hash);
        }

        foreach (var (phraseLine, text) in lines)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (!AddPhrase(phrases, text.Trim(), fileDisplay, phraseLine, id, "unless_near phrase", key: null))
            {
                break;
            }
        }

        return phrases;
    }

    /// <summary>flood: { messages, seconds }, repeat: { times, seconds }, mention_all: true.</summary>
    private StreamRule? ReadStream(Dictionary<string, YamlNode> map, string id)
    {
        if (map.ContainsKey("mention_all"))
        {
            return Bool(map, "mention_all", false) ? new StreamRule(StreamKind.MentionAll, 1, 0) : null;
        }

        foreach (var (key, kind, countKey) in new[] { ("flood", StreamKind.Flood, "messages"), ("repeat", StreamKind.Repeat, "times") })
        {
            if (!map.TryGetValue(key, out var node))
            {
                continue;
            }

            if (node is not YamlMappingNode settings)
            {
                Error(Line(node.Start), $"rule '{id}': '{key}' must be a mapping like {{ {countKey}: 8, seconds: 10 }}");
                return null;
            }

            int? count = null, seconds = null;
            var misspelt = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (k, v) in settings.Children)
            {
                var name = (k as YamlScalarNode)?.Value;
                var ok = int.TryParse((v as YamlScalarNode)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 86_400;
                if (name == countKey && ok)
                {
                    count = number;
                }
                else if (name == "seconds" && ok)
                {
                    seconds = number;
                }
                else
                {
                    // A setting misspelt (secnds) names the one to write, and is the one error it makes.
                    var meant = name is not null && name != countKey && name != "seconds" ? Meant(name, [countKey, "seconds"]) : null;
                    if (meant is not null)
                    {
                        misspelt.Add(meant);
                    }

                    Error(Line(k.Start), $"rule '{id}': in '{key}', '{name}' must be {countKey} or seconds, a whole number from 1 to 86400{(meant is null ? "" : $": write '{meant}'")}");
                }
            }

            if (count is null || seconds is null)
            {
                if ((count is null && !misspelt.Contains(countKey)) || (seconds is null && !misspelt.Contains("seconds")))
                {
                    Error(Line(node.Start), $"rule '{id}': '{key}' needs both {countKey} and seconds");
                }

                return null;
            }

            return new StreamRule(kind, count.Value, seconds.Value);
        }

        return null;
    }

    private void ReadTermsFile(string name, int line, string ruleId, List<RuleTerm> terms, TermMatch match)
    {
        var path = Path.GetFullPath(Path.Combine(_folder, name));
        named?.Add(path);
        if (!Path.Exists(path))
        {
            Error(line, $"rule '{ruleId}': terms_file '{name}' not found (looked for {path}){NearestNote(path)}");
            return;
        }

        var termsDisplay = RuleTextFiles.Display(path);
        foreach (var (termLine, text) in RuleTextFiles.ReadLines(path, termsDisplay, errors, hash))
        {
            if (!AddTerm(terms, text, termsDisplay, termLine, ruleId, match))
            {
                break; // past the folder's bound on terms: the rest of the file would only be refused
            }
        }
    }

    /// <summary>What a file named and not there probably meant, as the end of its error: a file beside it named nearly so.</summary>
    private static string NearestNote(string path) =>
        UnreadFiles.Nearest(path) is not { } nearest ? ""
        : UnreadFiles.OnlyTextEndingDiffers(nearest, Path.GetFileName(path)) && nearest.Length > Path.GetFileName(path).Length && path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) ? $"; the folder has {nearest} (Windows may hide its ending .txt): rename it to {Path.GetFileName(path)}"
        : $"; the folder has {nearest}: was that meant?";

    /// <summary>Adds one term, or reports why not; false once the folder's bound on terms is passed.</summary>
    private bool AddTerm(List<RuleTerm> terms, string? value, string path, int line, string ruleId, TermMatch match)
    {
        if (!budget.TakeTermLine(path, line, ruleId, value?.Trim().Length ?? 0))
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new RuleError(path, line, $"rule '{ruleId}': empty term"));
            return true;
        }

        var term = value.Trim();
        if (term.Length > LoadBudget.MaxTermLength)
        {
            errors.Add(new RuleError(path, line, TooLong(ruleId, "term", term.Length)));
            return true;
        }

        var folded = TextFolder.Plain.FoldToString(value);
        if (folded.Length == 0)
        {
            errors.Add(new RuleError(path, line, $"rule '{ruleId}': term '{value}' has no letters, digits or hanzi left after normalization"));
            return true;
        }

        if (folded.Length == 1 && match == TermMatch.Substring)
        {
            errors.Add(new RuleError(path, line, $"rule '{ruleId}': one-character term '{value}' in substring mode would fire inside every word that contains it; use match: word (or auto)"));
            return true;
        }

        if (RunTogether(term))
        {
            warnings.Add(new RuleError(path, line, SeveralTerms(ruleId, term, inFile: path != display)));
        }

        terms.Add(new RuleTerm(term, path, line));
        return true;
    }

    // What separates items in a list as people write one: a term holding one is several run together.
    private static readonly char[] TermSeparators = [',', '，', '、', ';', '；'];

    /// <summary>
    /// Whether a term or phrase (an unless, unless_preceded_by or unless_near phrase, a line of an
    /// allow list) is several run together, as a list is written: two items or more between its
    /// commas, 、 or semicolons. A comma left at an end (加微信群，) runs nothing together, the fold
    /// skips it; nor does a comma grouping a number's digits (1,000 or 1，000).
    /// </summary>
    internal static bool RunTogether(string text) => Items(text).Parts.Length > 1;

    /// <summary>
    /// Whether the character at <paramref name="i"/> parts items: a separator, save a comma grouping
    /// a number's digits: any <c>,</c> between digits (1,000), and a full-width <c>，</c> typed for one
    /// (1，000元) where a digit stands before it and exactly three after it, which a list of numbers
    /// (18，19) does not have.
    /// </summary>
    private static bool PartsAt(string text, int i) =>
        TermSeparators.Contains(text[i])
        && !(text[i] == ',' && i > 0 && i + 1 < text.Length && char.IsDigit(text[i - 1]) && char.IsDigit(text[i + 1]))
        && !(text[i] == '，' && GroupsThousands(text, i));

    private static bool GroupsThousands(string text, int i) =>
        i > 0 && char.IsAsciiDigit(text[i - 1])
        && i + 3 < text.Length && text.AsSpan(i + 1, 3).IndexOfAnyExceptInRange('0', '9') < 0
        && (i + 4 == text.Length || !char.IsAsciiDigit(text[i + 4]));

    /// <summary>The items a term or phrase holds (one when it is not <see cref="RunTogether"/>), and the first separator between them.</summary>
    internal static (char Separator, string[] Parts) Items(string text)
    {
        var parts = new List<string>();
        char? separator = null;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && !PartsAt(text, i))
            {
                continue;
            }

            if (i < text.Length)
            {
                separator ??= text[i];
            }

            var part = text[start..i].Trim().Trim('【', '】', '[', ']', '［', '］');
            if (part.Length > 0)
            {
                parts.Add(part);
            }

            start = i + 1;
        }

        return (separator ?? ',', [.. parts]);
    }

    /// <summary>
    /// The warning for an unless or allow phrase that holds a comma or 、 (<c>unless: [红包群，福利群]</c>
    /// with a full-width comma, an allow list's line of several): it loads as one phrase, which
    /// cancels a hit only where its words stand one after the other, so none of the phrases meant
    /// cancels on its own. <paramref name="instead"/> is what to write, with {0} for the items.
    /// </summary>
    internal static string SeveralPhrases(string what, string phrase, string instead)
    {
        var (separator, parts) = Items(phrase);
        var written = string.Format(CultureInfo.InvariantCulture, instead, string.Join(", ", parts), string.Join(" and ", parts));
        return $"{what} '{phrase}' holds '{separator}', so it is one phrase, which cancels a hit only where {string.Join(" and ", parts)} stand one right after the other; {written}";
    }

    /// <summary>
    /// The warning for a term that holds a comma or 、 (<c>terms: [私聊领取，私信领取]</c> with a
    /// full-width comma, <c>terms: 私聊领取, 私信领取</c> without brackets, a terms file's line of
    /// several): it loads as one term, which fires only on its words written together, with no
    /// punctuation between them, so none of the terms meant fires on its own.
    /// </summary>
    private static string SeveralTerms(string ruleId, string term, bool inFile)
    {
        var (separator, parts) = Items(term);
        var instead = inFile
            ? $"a terms file takes one term a line: put {string.Join(" and ", parts)} on lines of their own"
            : $"to give several terms, separate them with the comma of English punctuation: terms: [{string.Join(", ", parts)}]";
        return $"rule '{ruleId}': term '{term}' holds '{separator}', so it is one term, which fires only on {string.Concat(parts)} written together; {instead}";
    }

    /// <summary>The error for a term or phrase past <see cref="LoadBudget.MaxTermLength"/>.</summary>
    internal static string TooLong(string? ruleId, string what, int length) =>
        string.Create(CultureInfo.InvariantCulture, $"{(ruleId is null ? "" : $"rule '{ruleId}': ")}{what} is {length:N0} characters long; the limit is {LoadBudget.MaxTermLength} (a term is a word or a short phrase; use a regex for a pattern)");

    private Regex? Compile(string pattern, int line, string ruleId)
    {
        // Building grows with the square of what the pattern names, and the engine's own bound on
        // its size is checked only once it is built: a word list pasted in as one alternation would
        // stall every load for minutes and take gigabytes. Refused before it is built.
        if (pattern.Length > RegexSize.MaxLength)
        {
            Error(line, string.Create(CultureInfo.InvariantCulture, $"rule '{ruleId}': regex is {pattern.Length:N0} characters long; the limit is {RegexSize.MaxLength:N0}: put a list of words in 'terms:' or a terms_file, or split the regex into several rules"));
            return null;
        }

        var symbols = RegexSize.Symbols(pattern);
        if (symbols > RegexSize.MaxSymbols)
        {
            Error(line, $"rule '{ruleId}': regex names {symbols} different characters and classes; the limit is {RegexSize.MaxSymbols} (building one costs time and memory with the square of that number): put a list of words in 'terms:' or a terms_file, or split the regex into several rules");
            return null;
        }

        if (RegexSize.NestedRepetition(pattern) is { } nested)
        {
            Error(line, string.Create(CultureInfo.InvariantCulture, $"rule '{ruleId}': regex repeats a group that holds a counted repetition ('{nested.Quantifier}' after a group holding one such as {{0,30}}); their bounds multiply to {nested.Product:N0}, the limit is {RegexSize.MaxNestedRepetition} (the engine then tracks every way a message splits between the repetitions, and one long message could stall moderation for seconds): write the repetition once, e.g. '[^\\n]{{0,60}}' between the words, or split the regex into several rules"));
            return null;
        }

        if (!budget.TakeRegexWork(symbols, display, line, ruleId))
        {
            return null;
        }

        try
        {
            // Linear time, whatever the message: a rule must not let one hostile message stall moderation.
            // Built once and kept across reloads; what building it left behind is let go at once.
            return RegexReuse.Get(pattern, p =>
            {
                var regex = new Regex(p, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
                RegexBuildCaches.Release(regex);
                return regex;
            });
        }
        catch (NotSupportedException ex)
        {
            // The engine refuses both what cannot run in linear time and an automaton past its own size limit; its message says which.
            Error(line, Unsupported(ruleId, ex.Message));
            return null;
        }
        catch (ArgumentException ex)
        {
            Error(line, $"rule '{ruleId}': invalid regex: {ex.Message}{(ex is RegexParseException parse ? ParseAdvice(parse.Error) : "")}");
            return null;
        }
    }

    /// <summary>
    /// What to write for the parse errors of a pattern typed by hand: a bracket or parenthesis meant
    /// as itself (【 】 typed as [ ], a price in brackets), a + or * with nothing before it (+v).
    /// </summary>
    private static string ParseAdvice(RegexParseError error) => error switch
    {
        RegexParseError.UnterminatedBracket => "; a '[' opens a set of characters that a ']' closes ([元块] is 元 or 块); to match a bracket itself, write \\[ and \\]",
        RegexParseError.InsufficientClosingParentheses => "; a '(' opens a group that a ')' closes ((元|块) is 元 or 块); to match a parenthesis itself, write \\( and \\)",
        RegexParseError.InsufficientOpeningParentheses => "; a ')' closes a group that a '(' opened; to match a parenthesis itself, write \\)",
        RegexParseError.QuantifierAfterNothing or RegexParseError.NestedQuantifiersNotParenthesized => "; *, +, ? and {} repeat what stands before them; to match the character itself, write \\* \\+ \\? or \\{ (\\+v for +v)",
        _ => "",
    };

    /// <summary>
    /// The error for a regex the linear-time engine refuses, saying what to write instead where the
    /// construct is one people copy from elsewhere: a lookaround (<c>(?&lt;!不)加微信</c>, which
    /// <c>unless_preceded_by</c> does), a backreference, an atomic group.
    /// </summary>
    private static string Unsupported(string ruleId, string engine)
    {
        const string Why = "which GroupGuard does not run: every regex runs in linear time, so that no message can make it slow";
        string? instead = engine switch
        {
            _ when engine.Contains("lookahead", StringComparison.Ordinal) || engine.Contains("lookbehind", StringComparison.Ordinal) =>
                $"the regex uses a lookbehind or lookahead ((?<! …), (?<= …), (?! …), (?= …)), {Why}; to leave out a match with a word right before it, list the word in the rule's unless_preceded_by (unless_preceded_by: [不]), and one near it in unless_near; take the lookaround out of the regex",
            _ when engine.Contains("backreference", StringComparison.Ordinal) =>
                $"the regex uses a backreference (\\1, \\k<name>), {Why}; write the repeated text out (哈{{3,}}, (哈哈|呵呵){{2}})",
            _ when engine.Contains("atomic", StringComparison.Ordinal) =>
                $"the regex uses an atomic group (?> …), {Why}; write ( … ) instead",
            _ => null,
        };

        return instead is null
            ? $"rule '{ruleId}': regex uses a construct that cannot run in linear time (backreferences, lookarounds, atomic groups, RegexOptions.RightToLeft) or is too large for the engine that runs it so: {engine}"
            : $"rule '{ruleId}': {instead} (the engine said: {engine})";
    }

    /// <summary>A list value (or a single scalar) with each item's line.</summary>
    /// <summary>A qr rule's <c>kinds:</c>, each checked against the known names; null when it names none that is known.</summary>
    private HashSet<QrKind>? Kinds(YamlNode node, string ruleId)
    {
        var kinds = new HashSet<QrKind>();
        var items = List(node, "kinds", ruleId);
        foreach (var (value, kindLine) in items)
        {
            if (QrPayloads.ParseKind(value) is { } kind)
            {
                kinds.Add(kind);
            }
            else
            {
                Error(kindLine, $"rule '{ruleId}': unknown QR kind '{value}' (known: {string.Join(", ", QrPayloads.KindNames)})");
            }
        }

        if (items.Count == 0 && node is YamlSequenceNode)
        {
            Error(Line(node.Start), $"rule '{ruleId}': 'kinds' is empty; leave it out for any code, or name some of {string.Join(", ", QrPayloads.KindNames)}");
        }

        return kinds.Count > 0 ? kinds : null;
    }

    /// <summary>
    /// Warns of each placeholder of a pack's or rule's <c>warning:</c> (the text members read) that
    /// fills in an id: <c>{rule}</c> (the rule's id, where it has no <c>name:</c>; <paramref name="ruleIds"/>
    /// are the rules without one, none of them when <paramref name="everyNamed"/>), <c>{category}</c> (a category such as
    /// <c>ads</c>), <c>{pack}</c> of a pack with no Chinese name (its id). A placeholder that gives
    /// Chinese (<c>{pack}</c> with <c>name: 广告引流</c>) is what it is for. Each warning says what
    /// members would read and the Chinese name to write instead, where there is one.
    /// </summary>
    private void WarnOfIds(string template, int line, string? ruleId, string packName, string category, IReadOnlyList<string> ruleIds, bool everyNamed)
    {
        static bool Code(string value) => value.All(char.IsAscii);
        var known = DigestBuilder.CategoryName(category, c => c);
        var categoryName = known != category ? known : null;
        var packChinese = Code(packName) ? null : packName;

        if (template.Contains("{rule}", StringComparison.Ordinal) && !everyNamed && (ruleIds.Count == 0 || ruleIds.Any(Code)))
        {
            var read = ruleIds.Count switch
            {
                0 => "each rule's id",
                1 => $"'{ruleIds[0]}', the rule's id",
                _ => $"each rule's id ('{ruleIds[0]}' …)",
            };
            var instead = "give the rule a name: line (name: 加微信引流), which {rule} then gives, or " + ((packChinese ?? categoryName) is { } chinese ? $"write a Chinese name instead, such as {(packChinese is null ? "the category's" : "the pack's")}: {chinese}" : "write in Chinese what the rule is about instead");
            warnings.Add(new RuleError(display, line, $"{Who(ruleId)}: the warning holds {{rule}}, which members read as {read}; {instead}"));
        }

        if (template.Contains("{category}", StringComparison.Ordinal) && Code(category))
        {
            var instead = (categoryName ?? packChinese) is { } chinese ? $"write a Chinese name instead, such as {(categoryName is null ? "the pack's" : "the category's")}: {chinese}" : "write in Chinese what the category is instead";
            warnings.Add(new RuleError(display, line, $"{Who(ruleId)}: the warning holds {{category}}, which members read as '{category}', the category's id; {instead}"));
        }

        // A pack's name misspelt (nmae) is that key's error; its id in {pack} follows only from it.
        if (template.Contains("{pack}", StringComparison.Ordinal) && packChinese is null && !_nameMisspelt)
        {
            var what = packName == _packId ? "the pack's id (it has no name: line)" : "the pack's name, which is not Chinese";
            var name = categoryName is null ? "a name: line below pack:" : $"name: {categoryName}";
            warnings.Add(new RuleError(display, line, $"{Who(ruleId)}: the warning holds {{pack}}, which members read as '{packName}', {what}; give the pack a Chinese name ({name}), which {{pack}} then gives, or write the Chinese name in the warning"));
        }
    }

    /// <summary>Whose list an error is about: a rule's, or the pack's (null).</summary>
    private string Who(string? ruleId) => ruleId is null ? $"pack '{_packId}'" : $"rule '{ruleId}'";

    private List<(string Value, int Line)> List(YamlNode node, string key, string? ruleId)
    {
        var items = new List<(string, int)>();
        IEnumerable<YamlNode> children = node switch
        {
            YamlSequenceNode seq => seq.Children,
            YamlScalarNode scalar when !string.IsNullOrEmpty(scalar.Value) => [scalar],
            _ => [],
        };

        if (node is not (YamlSequenceNode or YamlScalarNode))
        {
            Error(Line(node.Start), $"{Who(ruleId)}: '{key}' must be a list, e.g. [加微信, 私聊领取]");
        }

        // Terms and phrases count toward the folder's budget (LoadBudget); other lists (domains,
        // kinds) are bounded here, item by item.
        var bounded = key is not ("terms" or "unless" or "unless_preceded_by" or "unless_near");
        YamlScalarNode? previous = null;
        foreach (var child in children)
        {
            if (!bounded && node is YamlSequenceNode { Style: YamlDotNet.Core.Events.SequenceStyle.Flow } && child is YamlScalarNode current
                && previous is not null && SplitNumber(previous, current))
            {
                warnings.Add(new RuleError(display, Line(current.Start), $"{Who(ruleId)}: '{key}' holds {previous.Value},{current.Value}, which YAML reads as two items, '{previous.Value}' and '{current.Value}', at the comma of the number; quote the item to keep the number whole: '{previous.Value},{current.Value}', or write the number without its comma"));
            }

            previous = child as YamlScalarNode;

            var value = (child as YamlScalarNode)?.Value;
            if (string.IsNullOrWhiteSpace(value))
            {
                Error(Line(child.Start), key == "terms" ? $"{Who(ruleId)}: empty term" : $"{Who(ruleId)}: empty entry in '{key}'");
                continue;
            }

            var item = value.Trim();
            if (bounded && (items.Count == MaxListItems || item.Length > MaxTextLength))
            {
                Error(Line(child.Start), string.Create(CultureInfo.InvariantCulture, $"{Who(ruleId)}: '{key}' may hold {MaxListItems:N0} entries of at most {MaxTextLength} characters"));
                break;
            }

            items.Add((item, Line(child.Start)));
        }

        if (!bounded && node is YamlScalarNode { Value: { } text } && !RunTogether(text) && SpacedWords(text) is { Length: > 1 } words)
        {
            // A list typed as a line of words (terms: 卖号 收号 代练), as people list words in
            // Chinese: one item, whose spaces the fold skips, so it fires only on the words written together.
            var one = key == "terms"
                ? $"one term, which fires only on {string.Concat(words)} written together"
                : $"one phrase, which cancels a hit only where {string.Join(" and ", words)} stand one right after the other";
            warnings.Add(new RuleError(display, Line(node.Start), $"{Who(ruleId)}: '{key}' is written as one piece of text, '{text.Trim()}', so it is {one} (spaces between words are skipped); to give several, write them as a list, in brackets with the comma of English punctuation: {key}: [{string.Join(", ", words)}]"));
        }

        return items;
    }

    /// <summary>
    /// The words of a list typed as a line of words parted by spaces (<c>卖号 收号 代练</c>), each
    /// holding a hanzi; an empty array for one word or for a phrase in Latin letters (<c>free money</c>).
    /// </summary>
    internal static string[] SpacedWords(string text)
    {
        var words = text.Split([' ', '\t', '\u3000'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return words.Length > 1 && words.All(w => w.Any(c => CharTables.IsCjk(c))) ? words : [];
    }

    /// <summary>
    /// Whether two plain items of a flow list are one number's halves split at its thousands comma
    /// (<c>[转账1,000元]</c>: <c>转账1</c> and <c>000元</c>): the first ends in a digit, the second starts with
    /// exactly three, and only the comma stands between them.
    /// </summary>
    private static bool SplitNumber(YamlScalarNode previous, YamlScalarNode current) =>
        previous.Style == YamlDotNet.Core.ScalarStyle.Plain && current.Style == YamlDotNet.Core.ScalarStyle.Plain
        && previous.Value is { Length: > 0 } before && char.IsAsciiDigit(before[^1])
        && current.Value is { Length: >= 3 } after && after[..3].All(char.IsAsciiDigit) && (after.Length == 3 || !char.IsAsciiDigit(after[3]))
        && current.Start.Index == previous.End.Index + 1;

    /// <summary>The most entries of a list that is not terms or phrases (<c>groups</c>, domains, kinds).</summary>
    private const int MaxListItems = 10_000;

    private bool Bool(Dictionary<string, YamlNode> map, string key, bool fallback)
    {
        if (!map.TryGetValue(key, out var node))
        {
            return fallback;
        }

        var value = (node as YamlScalarNode)?.Value?.Trim().ToLowerInvariant();
        switch (value)
        {
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            case "是" or "对" or "开" or "开启":
                Error(Line(node.Start), $"'{key}' is '{value}', expected true or false: write 'true'");
                return fallback;
            case "否" or "不" or "关" or "关闭":
                Error(Line(node.Start), $"'{key}' is '{value}', expected true or false: write 'false'");
                return fallback;
            default:
                Error(Line(node.Start), $"'{key}' is '{value}', expected true or false");
                return fallback;
        }
    }

    /// <summary>
    /// The keys of a pack or rule; each unknown one is an error, naming the key meant where one
    /// plainly was. <paramref name="misspelt"/>: those keys meant, when the mapping lacks them, so
    /// that what follows only from their absence is not reported as a second mistake.
    /// </summary>
    private Dictionary<string, YamlNode> Keys(YamlMappingNode node, HashSet<string> allowed, string what, out HashSet<string> misspelt)
    {
        var map = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        misspelt = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(key))
            {
                var intended = KeyMeant(key, allowed);
                var meant = intended is not null ? $": write '{intended}'"
                    : allowed == RuleKeys && PackKeys.Contains(key) ? $": '{key}' is a key of the pack, written at the left edge above 'rules:'; put a rule that needs its own in a pack of its own"
                    : KeyElsewhere(key, rule: allowed == RuleKeys) is { } elsewhere ? $": {elsewhere}"
                    : "";
                Error(Line(keyNode.Start), $"unknown {what} key '{key}'{meant} (expected one of: {string.Join(", ", allowed)})");
                if (intended is not null)
                {
                    misspelt.Add(intended);
                }

                continue;
            }

            if (!map.TryAdd(key, value))
            {
                Error(Line(keyNode.Start), $"'{key}' appears twice");
            }
        }

        misspelt.ExceptWith(map.Keys);
        return map;
    }

    /// <summary>The longest id, name, category or detector name; they reach logs, metrics and digests.</summary>
    private const int MaxNameLength = 100;

    /// <summary>The longest warning (sent to the group) or terms_file path.</summary>
    private const int MaxTextLength = 500;

    /// <summary>
    /// A key's value, trimmed, at most <paramref name="maxLength"/> characters (a regex has its own
    /// bounds, <see cref="Compile"/>) and, unless it is <paramref name="text"/> (a warning, a regex),
    /// free of control characters (a line break in an id would forge a log line); null, with an
    /// error, when it is missing and <paramref name="required"/>, empty, or past either.
    /// </summary>
    private string? Scalar(Dictionary<string, YamlNode> map, string key, YamlNode owner, bool required = false, int maxLength = MaxNameLength, bool text = false)
    {
        if (!map.TryGetValue(key, out var node))
        {
            if (required)
            {
                Error(Line(owner.Start), $"missing '{key}'");
            }

            return null;
        }

        if (node is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
        {
            Error(Line(node.Start), $"'{key}' must be a non-empty value");
            return null;
        }

        var value = scalar.Value.Trim();
        if (value.Length > maxLength)
        {
            Error(Line(node.Start), string.Create(CultureInfo.InvariantCulture, $"'{key}' is {value.Length:N0} characters long; the limit is {maxLength}"));
            return null;
        }

        if (!text && value.AsSpan().ContainsAnyInRange('\0', '\u001f'))
        {
            Error(Line(node.Start), $"'{key}' holds a control character (a line break, a tab)");
            return null;
        }

        return value;
    }

    private T Enum<T>(Dictionary<string, YamlNode> map, string key, T fallback)
        where T : struct, Enum
    {
        if (!map.TryGetValue(key, out var node))
        {
            return fallback;
        }

        // Exactly one of the documented words (in any case, as packs written for earlier versions
        // may have it). Enum.TryParse would also take a number ("3") and a comma list ("person,
        // group", "recall, kick") as flags combined into a value no rule may have: a target the
        // engine cannot look for, an action no adapter knows, a mode or severity other than written.
        var value = (node as YamlScalarNode)?.Value?.Trim() ?? "";
        foreach (var choice in System.Enum.GetValues<T>())
        {
            if (string.Equals(value, Word(choice), StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        var words = System.Enum.GetValues<T>().Select(Word).ToArray();
        var allowed = string.Join(" | ", words);
        var hint = value.Contains(',', StringComparison.Ordinal) ? " (one word, not a list)" : Meant(value, words) is { } meant ? $": write '{meant}'" : "";
        Error(Line(node.Start), $"'{key}' is '{value}', expected {allowed}{hint}");
        return fallback;

        static string Word(T choice) => choice.ToString().ToLowerInvariant();
    }

    // The Chinese an administrator may write for a key.
    private static readonly Dictionary<string, string> ChineseKeys = new(StringComparer.Ordinal)
    {
        ["关键词"] = "terms", ["敏感词"] = "terms", ["词语"] = "terms", ["词"] = "terms", ["违禁词"] = "terms",
        ["词表"] = "terms_file", ["词库"] = "terms_file", ["正则"] = "regex", ["正则表达式"] = "regex",
        ["动作"] = "action", ["处理"] = "action", ["处置"] = "action", ["级别"] = "severity", ["等级"] = "severity", ["严重程度"] = "severity",
        ["名称"] = "name", ["名字"] = "name", ["说明"] = "description", ["描述"] = "description", ["分类"] = "category", ["类别"] = "category",
        ["群"] = "groups", ["群号"] = "groups", ["模式"] = "mode", ["禁言分钟"] = "mute_minutes", ["禁言时长"] = "mute_minutes",
        ["例外"] = "unless", ["排除"] = "unless", ["警告语"] = "warning", ["提示语"] = "warning", ["规则"] = "rules",
    };

    // Keys an administrator looks for in a pack that are settings of the service, or lists of
    // their own: what an unknown key of these names says instead of the key to write.
    private static readonly HashSet<string> EscalationKeys = new(StringComparer.Ordinal)
    {
        "escalation", "escalate", "escalations", "repeat_offenders", "加重", "升级", "屡犯", "累犯",
    };

    private static readonly HashSet<string> ExemptKeys = new(StringComparer.Ordinal)
    {
        "exempt", "exempt_users", "exemptusers", "exempt_members", "whitelist_users", "allow_users", "豁免", "白名单用户", "免检",
    };

    private static readonly HashSet<string> AllowKeys = new(StringComparer.Ordinal)
    {
        "allow", "allow_list", "allowlist", "whitelist", "white_list", "exceptions", "exclude", "白名单", "放行", "放行词",
    };

    /// <summary>
    /// Where what an unknown <paramref name="key"/> asks for is written, when it is no key of a pack:
    /// escalation and exempt members are settings of the service, and allowed phrases are a rule's
    /// <c>unless</c>, <c>unless_near</c> or <c>allow.txt</c>; null for any other key.
    /// </summary>
    private static string? KeyElsewhere(string key, bool rule)
    {
        var name = key.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        if (EscalationKeys.Contains(name))
        {
            return "repeat offenders are escalated by a setting of the service, not of a pack: GroupGuard:Moderation:Escalation, or GroupGuard:Groups:<group id>:Escalation for one group (README, Settings); the pack's action is the first offence's";
        }

        if (ExemptKeys.Contains(name))
        {
            return "members who are never acted on are a setting of the service, not of a pack: GroupGuard:Moderation:ExemptUsers (README, Settings); owners and admins are never acted on";
        }

        if (AllowKeys.Contains(name))
        {
            return rule
                ? "phrases that cancel this rule's hits are 'unless' (a phrase that holds the hit: 微信支付 for 微信) or 'unless_near' (a phrase anywhere in the hit's sentence); for every rule, a line of allow.txt"
                : "phrases that cancel a hit are 'unless_near' here (a phrase anywhere in the hit's sentence, for every rule of the pack), a rule's 'unless', or a line of allow.txt (allow-<group id>.txt for one group)";
        }

        return null;
    }

    /// <summary>The key of <paramref name="allowed"/> an unknown <paramref name="key"/> was probably meant as: its Chinese, a case or a letter or two off; null when none is near.</summary>
    private static string? KeyMeant(string key, HashSet<string> allowed)
    {
        if (ChineseKeys.TryGetValue(key.Trim(), out var english))
        {
            return allowed.Contains(english) ? english : null;
        }

        if (key.Length > 30)
        {
            return null;
        }

        var lower = key.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        var near = allowed.Where(a => UnreadFiles.Distance(lower, a) <= (a.Length >= 6 ? 2 : 1)).ToArray();
        return near.Length == 1 ? near[0] : null;
    }

    // The Chinese an administrator may write for a key's English word (撤回 for recall, 高 for high).
    private static readonly Dictionary<string, string> ChineseWords = new(StringComparer.Ordinal)
    {
        ["记录"] = "log", ["仅记录"] = "log", ["只记录"] = "log", ["日志"] = "log",
        ["警告"] = "warn", ["提醒"] = "warn",
        ["撤回"] = "recall", ["删除"] = "recall",
        ["禁言"] = "mute",
        ["踢"] = "kick", ["踢出"] = "kick", ["踢人"] = "kick", ["移出"] = "kick", ["移出群"] = "kick",
        ["低"] = "low", ["中"] = "medium", ["中等"] = "medium", ["一般"] = "medium", ["高"] = "high", ["严重"] = "critical", ["紧急"] = "critical",
        ["执行"] = "enforce", ["生效"] = "enforce", ["启用"] = "enforce", ["影子"] = "shadow", ["观察"] = "shadow", ["试运行"] = "shadow",
    };

    /// <summary>
    /// The word of <paramref name="words"/> that <paramref name="value"/> was probably meant as: its
    /// English for a Chinese word, or the one it misspells by a letter or two (<c>recal</c>,
    /// <c>critcal</c>); null when none is near.
    /// </summary>
    internal static string? Meant(string value, IReadOnlyList<string> words)
    {
        if (ChineseWords.TryGetValue(value, out var english))
        {
            return words.Contains(english) ? english : null;
        }

        if (value.Length > 20)
        {
            return null;
        }

        var lower = value.ToLowerInvariant();
        var near = words.Where(w => UnreadFiles.Distance(lower, w) <= (w.Length >= 6 ? 2 : 1)).ToArray();
        return near.Length == 1 ? near[0] : null;
    }

    private int Minutes(Dictionary<string, YamlNode> map, string key, int fallback)
    {
        if (!map.TryGetValue(key, out var node))
        {
            return fallback;
        }

        var value = (node as YamlScalarNode)?.Value;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes is > 0 and <= 43200)
        {
            return minutes;
        }

        Error(Line(node.Start), $"'{key}' is '{value}', expected whole minutes from 1 to 43200 (30 days, QQ's longest mute)");
        return fallback;
    }

    /// <summary>A rule's <c>newcomer_hours:</c>, whole hours from 1 to 8760 (a year); null when absent or wrong.</summary>
    private int? NewcomerHours(Dictionary<string, YamlNode> map)
    {
        if (!map.TryGetValue("newcomer_hours", out var node))
        {
            return null;
        }

        var value = (node as YamlScalarNode)?.Value;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var hours) && hours is > 0 and <= 8760)
        {
            return hours;
        }

        Error(Line(node.Start), $"'newcomer_hours' is '{value}', expected whole hours from 1 to 8760 (a year)");
        return null;
    }

    private GroupScope Groups(Dictionary<string, YamlNode> map)
    {
        if (!map.TryGetValue("groups", out var node))
        {
            return GroupScope.Everywhere;
        }

        // A mapping, or an empty list, would make the pack apply in no group while the load succeeds.
        IEnumerable<YamlNode> items;
        switch (node)
        {
            case YamlSequenceNode { Children.Count: 0 }:
                Error(Line(node.Start), "'groups' is empty, so the pack would apply in no group: list group ids (\"*\" for every group, \"!id\" to leave one out), or leave 'groups' out for every group");
                return GroupScope.Everywhere;
            case YamlSequenceNode seq:
                items = seq.Children;
                break;
            case YamlScalarNode scalar:
                items = [scalar];
                break;
            default:
                Error(Line(node.Start), "'groups' must be a list of group ids, e.g. [\"*\", \"!123456\"] or [123456, 654321]");
                return GroupScope.Everywhere;
        }

        var all = false;
        var included = new HashSet<string>(StringComparer.Ordinal);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var item in items)
        {
            var value = (item as YamlScalarNode)?.Value?.Trim();
            if (++count > MaxListItems || value?.Length > MaxNameLength)
            {
                Error(Line(item.Start), string.Create(CultureInfo.InvariantCulture, $"'groups' may hold {MaxListItems:N0} entries of at most {MaxNameLength} characters"));
                break;
            }

            if (string.IsNullOrEmpty(value) || value == "!")
            {
                Error(Line(item.Start), item is YamlScalarNode ? "'groups' holds an empty entry" : "'groups' must be a list of group ids, not of lists or mappings");
            }
            else if (NoGroupId(value) is { } problem)
            {
                Error(Line(item.Start), problem);
            }
            else if (value == "*")
            {
                all = true;
            }
            else if (value.StartsWith('!'))
            {
                excluded.Add(value[1..].Trim());
            }
            else
            {
                included.Add(value);
            }

            if (value is not null && UnreadFiles.DigitsButFor(value.TrimStart('!')) is { } digits)
            {
                warnings.Add(new RuleError(display, Line(item.Start), $"'groups' names '{value.TrimStart('!')}', which has a letter among its digits: probably the group {digits} mistyped; no group has that id, so the pack {(value.StartsWith('!') ? "still applies in" : "does not apply in")} group {digits}: write the id as the platform shows it"));
            }
        }

        // Only exclusions ("!123") means every other group.
        return new GroupScope(all || (included.Count == 0 && excluded.Count > 0), included, excluded);
    }

    // What an entry of 'groups' is written as when it meant every group.
    private static readonly HashSet<string> EveryGroupWords = new(StringComparer.OrdinalIgnoreCase) { "＊", "all", "全部", "所有", "全部群", "所有群" };

    // What separates ids in a list as people write one; no platform's group id holds any of them.
    private static readonly char[] GroupSeparators = [' ', '\t', ',', '，', '、', ';', '；'];

    /// <summary>
    /// Why an entry of 'groups' can be no group's id, saying what to write: a word for every group
    /// (<c>＊</c>, <c>全部</c>), a group's name or an id with hanzi or full-width digits
    /// (<c>二年级家长群</c>, <c>群123456</c>), or several ids in one entry (<c>1234 5678</c>, <c>123，456</c>);
    /// null when it may be one. Such an entry loaded as a group no platform has, so the pack applied in none.
    /// </summary>
    private static string? NoGroupId(string value)
    {
        var id = value.StartsWith('!') ? value[1..].Trim() : value;
        if (EveryGroupWords.Contains(id))
        {
            return $"'groups' names '{id}', which is no group id: write \"*\" (the asterisk of English punctuation, in quotes) for every group";
        }

        if (id.Any(c => !char.IsAscii(c) && !GroupSeparators.Contains(c)))
        {
            // No platform's group id holds hanzi or full-width characters (QQ's is digits, WeChat's
            // …@chatroom): a group's name (二年级家长群), or its number written with more (群123456).
            var digits = new string(id.Normalize(System.Text.NormalizationForm.FormKC).Where(char.IsAsciiDigit).ToArray());
            var notId = $"'groups' names '{id}', which is no group id: an id is the letters and digits the platform shows for the group, typed in English (a QQ group's is its number, 群号)";
            return digits.Length >= 5 && id.IndexOfAny(GroupSeparators) < 0 ? $"{notId}: write groups: [\"{(value.StartsWith('!') ? "!" : "")}{digits}\"]" : $"{notId}, not its name: groups: [\"123456\"]";
        }

        if (id.IndexOfAny(GroupSeparators) < 0)
        {
            return null;
        }

        var parts = id.Split(GroupSeparators, StringSplitOptions.RemoveEmptyEntries);
        var list = $"groups: [{string.Join(", ", parts.Select(p => $"\"{p}\""))}]";
        var said = $"'groups' names '{id}', which is no group id (one holds no spaces or commas)";
        return parts.Length <= 1 ? $"{said}: write groups: [\"{parts.FirstOrDefault()}\"]"
            : id.Any(c => GroupSeparators.Contains(c) && !char.IsWhiteSpace(c)) ? $"{said}: give each group as an entry of the list: {list}"
            : $"{said}: for one group write it without spaces (groups: [\"{string.Concat(parts)}\"]), for several give each as an entry of the list: {list}";
    }

    private void Error(int line, string message) => errors.Add(new RuleError(display, line, message));

    private static int Line(Mark mark) => (int)Math.Min(mark.Line, int.MaxValue);

    /// <summary>
    /// The line of a syntax error. A list or mapping left open (<c>[</c>, <c>{</c>) is noticed only at
    /// the end of the text, past the newline of the last line: a line the file does not have. An error
    /// there is put on the line where the innermost one still open began, else on the last line with
    /// text; an error anywhere else keeps its own line.
    /// </summary>
    private static int SyntaxLine(string text, YamlException ex)
    {
        var end = text.AsSpan().TrimEnd().Length;
        if (ex.Start.Index < end)
        {
            return Line(ex.Start);
        }

        // The file passed SafeYaml (its nesting is bounded), and the scanner is a loop, as its check is.
        var open = new Stack<Mark>();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            while (scanner.MoveNext())
            {
                switch (scanner.Current)
                {
                    case FlowSequenceStart or FlowMappingStart:
                        open.Push(scanner.Current.Start);
                        break;
                    case FlowSequenceEnd or FlowMappingEnd when open.Count > 0:
                        open.Pop();
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // The scanner stops at what it cannot read; what was open by then is what is wanted.
        }

        return open.TryPeek(out var opened) ? Line(opened) : 1 + text.AsSpan(0, end).Count('\n');
    }
}
