using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Commands;

/// <summary>
/// Reads <c>/gg 状态</c>, <c>/gg 误判</c>, <c>/gg 解禁 @某人</c>, <c>/gg 放行 词语</c>, <c>/gg 放行名单</c>, <c>/gg 取消放行 词语</c>,
/// <c>/gg 信任 @某人</c>, <c>/gg 取消信任 @某人</c>, <c>/gg 信任名单</c>,
/// <c>/gg 试运行 开|关</c> (<c>/gg 试运行</c> alone, or with another word: what it is now) and <c>/gg 检查 文字</c> from a group message. The prefix matches in either case and in full
/// width (<c>／ＧＧ</c>), with or without a space before the verb, or a colon or comma in its place
/// (<c>/gg：状态</c>), as after the verb (<c>/gg 放行：加微信群</c>); a word that runs on from the prefix (<c>/ggg</c>, <c>/gg好</c>) is no command, unless it is a command's word mistyped (<c>/gg帮主</c>). A full stop or exclamation mark typed at the end
/// (<c>/gg 试运行 开。</c>) is no part of the command, and the prefix with nothing after it but such a
/// mark or a question mark (<c>/gg？</c>) asks for the list as the prefix alone does. Pure: who may
/// give a command is the caller's to check.
/// </summary>
public static class GroupCommandParser
{
    public const string DefaultPrefix = "/gg";

    /// <summary>The longest prefix a setting may give.</summary>
    public const int MaxPrefixLength = 16;

    /// <summary>A note longer than this is cut: it is a reason in a few words, kept on the incident.</summary>
    public const int MaxNoteLength = 200;

    /// <summary>The most members one <c>解禁</c> lifts, one <c>信任</c> or <c>取消信任</c> names.</summary>
    public const int MaxUsers = 10;

    /// <summary>The longest text one <c>检查</c> checks: a message or two, typed to see what the rules make of it.</summary>
    public const int MaxCheckLength = 500;

    public const string HelpName = "帮助";
    public const string StatusName = "状态";
    public const string FalsePositiveName = "误判";
    public const string UnmuteName = "解禁";
    public const string AllowName = "放行";
    public const string DisallowName = "取消放行";
    public const string AllowListName = "放行名单";
    public const string DryRunName = "试运行";
    public const string CheckName = "检查";
    public const string TrustName = "信任";
    public const string UntrustName = "取消信任";
    public const string TrustListName = "信任名单";

    // Longest first, so no verb is read as the start of a longer one.
    private static readonly (string Name, GroupCommandVerb Verb)[] Verbs =
    [
        (DisallowName, GroupCommandVerb.Disallow),
        (AllowListName, GroupCommandVerb.AllowList),
        ("放行列表", GroupCommandVerb.AllowList),
        (UntrustName, GroupCommandVerb.Untrust),
        (TrustListName, GroupCommandVerb.TrustList),
        ("信任列表", GroupCommandVerb.TrustList),
        (DryRunName, GroupCommandVerb.DryRun),
        (StatusName, GroupCommandVerb.Status),
        (FalsePositiveName, GroupCommandVerb.FalsePositive),
        (UnmuteName, GroupCommandVerb.Unmute),
        (AllowName, GroupCommandVerb.Allow),
        (CheckName, GroupCommandVerb.Check),
        (TrustName, GroupCommandVerb.Trust),
        (HelpName, GroupCommandVerb.Help),
    ];

    /// <summary>Marks typed right after the prefix in place of the space (<c>/gg：状态</c>, <c>/gg，帮助</c>): read as it.</summary>
    private const string SpaceMarks = "：:，,、；;";

    /// <summary>Marks a sentence ends with, typed out of habit after a command: no part of it.</summary>
    private const string FullStops = "。．.！!";

    /// <summary>What may follow the prefix alone and still ask for the list: a full stop, or a question (<c>/gg？</c>).</summary>
    private const string PrefixAloneMarks = FullStops + QuestionMarks;

    private const string QuestionMarks = "？?";

    private static readonly string[] OnWords = ["开", "开启", "打开", "on"];
    private static readonly string[] OffWords = ["关", "关闭", "off"];

    /// <summary>The command <paramref name="message"/> gives, or null when it gives none.</summary>
    public static GroupCommand? Parse(ChatMessage message, string prefix)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Parse(message.Text, prefix, message.Mentions, message.ReplyTo, message.BotId);
    }

    /// <summary>The command the text gives, with the message's mentions, the message it replies to and the bot's own id.</summary>
    public static GroupCommand? Parse(string text, string prefix, IReadOnlyList<string> mentions, string? replyTo, string botId)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentNullException.ThrowIfNull(mentions);

        var body = text.AsSpan().Trim();
        if (!StartsWithPrefix(body, prefix))
        {
            return null;
        }

        var rest = body[prefix.Length..];
        var spaced = rest.Length > 0 && (char.IsWhiteSpace(rest[0]) || SpaceMarks.Contains(rest[0]));
        if (rest.Length > 0 && SpaceMarks.Contains(rest[0]))
        {
            rest = rest[1..]; // /gg：状态: the colon or comma stands for the space
        }

        var marksAlone = rest.TrimStart().Length > 0 && !rest.TrimStart().ContainsAnyExcept(PrefixAloneMarks);
        if (rest.Length > 0 && !spaced && VerbAt(rest) is null && !marksAlone)
        {
            // /ggg, /gg好, /gghello: a word, not the prefix; /gg帮主, a command's word mistyped, is the bot's.
            return GluedTypo(rest) is { } typo
                ? new GroupCommand { Verb = GroupCommandVerb.Unknown, Name = HelpName, ReplyTo = replyTo, Problem = Suggested(prefix, typo) }
                : null;
        }

        rest = rest.TrimStart();
        if (rest.Length == 0 || marksAlone)
        {
            return Help(replyTo);
        }

        if (VerbAt(rest) is not { } verb)
        {
            return new GroupCommand
            {
                Verb = GroupCommandVerb.Unknown,
                Name = HelpName,
                ReplyTo = replyTo,
                Problem = Nearest(rest) is { } meant ? Suggested(prefix, meant) : "没有这个命令。" + Usage(prefix),
            };
        }

        if (GluedNearMiss(rest, verb, prefix) is { } glued)
        {
            return new GroupCommand { Verb = GroupCommandVerb.Unknown, Name = HelpName, ReplyTo = replyTo, Problem = glued };
        }

        var after = rest[verb.Name.Length..];
        if (after.Length > 0 && SpaceMarks.Contains(after[0]))
        {
            after = after[1..]; // 放行：加微信群: the colon or comma stands for the space, as after the prefix
        }

        var argument = after.Trim().ToString();
        if (verb.Verb is not (GroupCommandVerb.Check or GroupCommandVerb.FalsePositive))
        {
            // The text 检查 checks and the note 误判 keeps are the admin's as typed.
            argument = WithoutFullStop(argument);
        }
        else if (verb.Verb == GroupCommandVerb.Check && WithoutFullStop(argument).Length == 0)
        {
            argument = ""; // 检查。 has no text to check: in reply to a message, it checks that one
        }
        else if (verb.Verb == GroupCommandVerb.FalsePositive && !argument.Any(char.IsLetterOrDigit))
        {
            argument = ""; // 误判！ is no note: it would replace the note an earlier 误判 kept
        }

        if (verb.Verb is GroupCommandVerb.Allow or GroupCommandVerb.Disallow)
        {
            argument = Unquoted(argument); // 放行「加微信群」, as the answers quote phrases: the phrase is 加微信群
        }

        if (WordTypedApart(verb, argument) is { } whole)
        {
            return TypedApart(verb, whole, argument, replyTo, prefix);
        }

        var users = mentions.Where(u => u.Length > 0 && u != botId).Distinct(StringComparer.Ordinal).ToList();
        var command = new GroupCommand { Verb = verb.Verb, Name = verb.Name, ReplyTo = replyTo };
        return verb.Verb switch
        {
            GroupCommandVerb.Help => Help(replyTo),
            GroupCommandVerb.Status => command,
            GroupCommandVerb.FalsePositive => replyTo is null
                ? command with { Problem = $"请回复要标记的消息或警告，再发 {prefix} {FalsePositiveName}" }
                : command with { Argument = Cut(argument, MaxNoteLength), Users = users },
            GroupCommandVerb.Unmute or GroupCommandVerb.Trust or GroupCommandVerb.Untrust => MembersOf(command, argument, users, botId, prefix),
            GroupCommandVerb.Allow => AllowOf(command, argument, users, prefix),
            GroupCommandVerb.Disallow => DisallowOf(command, argument, prefix),
            // 放行名单上的人 typed without a space is not read as a phrase to allow, nor as the list asked for; 放行名单？ asks for it.
            GroupCommandVerb.AllowList => !argument.AsSpan().ContainsAnyExcept(QuestionMarks) ? command with { Name = AllowListName }
                : command with { Name = AllowListName, Problem = $"查看本群放行名单：{prefix} {AllowListName}；放行词语：{prefix} {AllowName} 词语（词语前加空格）" },
            // 信任名单上的人 likewise: no list asked for, nor anyone trusted.
            GroupCommandVerb.TrustList => !argument.AsSpan().ContainsAnyExcept(QuestionMarks) ? command with { Name = TrustListName }
                : command with { Name = TrustListName, Problem = $"查看本群信任名单：{prefix} {TrustListName}；信任某人：{prefix} {TrustName} @某人（@前加空格）" },
            GroupCommandVerb.Check => CheckOf(command, argument, prefix),
            _ => DryRunOf(command, argument),
        };
    }

    /// <summary>
    /// A command's word with more typed onto it, no space between, that as a whole is another
    /// command's word typed one character off (<c>放行明单</c>: 放行 and 明单, or 放行名单 mistyped;
    /// <c>放行名</c>, 放行名单 cut short): the answer suggests that command, as a word that is no
    /// command's does, and for a command that takes words, how to give them (a space after its word),
    /// so nothing is written for a typo. A word run on that is near no other command
    /// (<c>放行微信支付</c>, <c>试运行关闭</c>, <c>检查加微信</c>) is the command and its argument, as ever; null then.
    /// </summary>
    private static string? GluedNearMiss(ReadOnlySpan<char> rest, (string Name, GroupCommandVerb Verb) verb, string prefix)
    {
        var after = rest[verb.Name.Length..];
        if (after.Length == 0 || char.IsWhiteSpace(after[0]) || SpaceMarks.Contains(after[0]) || Nearest(rest, besides: verb.Verb) is not { } meant)
        {
            return null;
        }

        var words = WordsOf(verb.Verb);
        return $"没有这个命令，是不是想用：{prefix} {meant}？"
            + (words is null ? Usage(prefix) : $"{verb.Name}{words}：{prefix} {verb.Name} {words}（{words}前加空格）");
    }

    /// <summary>
    /// The command whose word the verb's word and the word typed after it make, a space typed inside
    /// it (<c>放行 名单</c>: 放行名单; <c>放行 列表</c>; <c>取消放行 名单</c>, whose words end in
    /// 放行名单): the argument is the rest of that command's word, and nothing more (a question mark
    /// or spaces inside aside); null when it is not (<c>放行 名单上的人</c> is a phrase). As 取消 放行
    /// and 试 运行 are read (<see cref="Nearest"/>), for a command's word typed first.
    /// </summary>
    private static (string Name, GroupCommandVerb Verb)? WordTypedApart((string Name, GroupCommandVerb Verb) verb, string argument)
    {
        var typed = string.Concat(argument.AsSpan().TrimEnd(QuestionMarks).ToString().Where(c => !char.IsWhiteSpace(c)));
        if (typed.Length == 0)
        {
            return null;
        }

        foreach (var other in Verbs)
        {
            if (other.Verb != verb.Verb && other.Name.Length > typed.Length && other.Name.EndsWith(typed, StringComparison.Ordinal)
                && (verb.Name + typed).EndsWith(other.Name, StringComparison.Ordinal))
            {
                return other;
            }
        }

        return null;
    }

    /// <summary>
    /// A command's word typed apart after another's (<see cref="WordTypedApart"/>): never carried out
    /// as the verb and a phrase (<c>放行 名单</c> allowed 名单). Where the words typed are exactly a
    /// command's word and that command only reads (<c>放行名单</c>), it is that command, and its answer
    /// says so first (<c>按 /gg 放行名单 处理：</c>); else nothing is done, and the answer suggests the
    /// command and how to give the verb's words (<c>取消放行 名单</c>).
    /// </summary>
    private static GroupCommand TypedApart((string Name, GroupCommandVerb Verb) verb, (string Name, GroupCommandVerb Verb) whole, string argument, string? replyTo, string prefix)
    {
        var meant = NameOf(whole.Verb);
        var exact = verb.Name + string.Concat(argument.AsSpan().TrimEnd(QuestionMarks).ToString().Where(c => !char.IsWhiteSpace(c))) == whole.Name;
        if (exact && whole.Verb is GroupCommandVerb.AllowList or GroupCommandVerb.Status or GroupCommandVerb.Help)
        {
            return new GroupCommand { Verb = whole.Verb, Name = meant, ReplyTo = replyTo, ReadAs = $"按 {prefix} {meant} 处理：" };
        }

        var words = WordsOf(verb.Verb);
        return new GroupCommand
        {
            Verb = GroupCommandVerb.Unknown,
            Name = HelpName,
            ReplyTo = replyTo,
            Problem = $"没有这个命令，是不是想用：{prefix} {UsageOf(meant)}？" + (words is null ? $"全部命令：{prefix} {HelpName}" : $"{verb.Name}{words}：{prefix} {verb.Name} {words}"),
        };
    }

    /// <summary>What a command takes after its word, as its usage names it (<c>词语</c>), for those that take words; else null.</summary>
    private static string? WordsOf(GroupCommandVerb verb) => verb switch
    {
        GroupCommandVerb.Allow or GroupCommandVerb.Disallow => "词语",
        GroupCommandVerb.Check => "文字",
        _ => null,
    };

    /// <summary>
    /// <paramref name="text"/> without the full stops and exclamation marks at its end (加微信群。:
    /// 加微信群; 开！: 开), nor the spaces around them. Folding drops them from an allow phrase too, so
    /// with or without, a phrase cancels the same hits.
    /// </summary>
    public static string WithoutFullStop(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().TrimEnd().TrimEnd(FullStops).TrimEnd().ToString();
    }

    /// <summary>Quotes an admin may put around a phrase, as the answers do (「加**群」): each opening mark and its closing one.</summary>
    private static readonly (char Open, char Close)[] Quotes = [('「', '」'), ('『', '』'), ('“', '”'), ('‘', '’'), ('"', '"'), ('\'', '\'')];

    /// <summary>
    /// <paramref name="phrase"/> without one pair of quotes around it all (「加微信群」: 加微信群), which
    /// as a line of the list would cover only text quoted so and could not be taken off without them;
    /// as it is when the marks stand inside too (「加微信群」，「扫码进群」) or nothing is inside.
    /// </summary>
    private static string Unquoted(string phrase)
    {
        foreach (var (open, close) in Quotes)
        {
            if (phrase.Length > 2 && phrase[0] == open && phrase[^1] == close)
            {
                var inside = phrase.AsSpan(1, phrase.Length - 2);
                return inside.IndexOfAny(open, close) < 0 && !inside.IsWhiteSpace() ? WithoutFullStop(inside.Trim().ToString()) : phrase;
            }
        }

        return phrase;
    }

    /// <summary>
    /// The text to check; none, sent as a reply, the message replied to (<see cref="GroupCommand.Argument"/>
    /// empty and <see cref="GroupCommand.ReplyTo"/> set), whose text the caller finds. Text typed after it
    /// is checked whether or not it is a reply.
    /// </summary>
    private static GroupCommand CheckOf(GroupCommand command, string text, string prefix) =>
        text.Length == 0 && command.ReplyTo is not null ? command
        : text.Length == 0 ? command with { Problem = $"用法：{prefix} {CheckName} 要检查的文字；或回复要检查的消息发 {prefix} {CheckName}" }
        : text.Length > MaxCheckLength ? command with { Problem = $"检查的文字最长 {MaxCheckLength} 个字" }
        : command with { Argument = text };

    /// <summary>
    /// The one line that lists the commands, parted by ；as Chinese text is (a | between them read
    /// as part of a command, and 开|关 as one more).
    /// </summary>
    public static string Usage(string prefix) =>
        $"在 {prefix} 后空一格写命令：{string.Join("；", new[] { StatusName, FalsePositiveName, UnmuteName, AllowName, AllowListName, DisallowName, TrustName, TrustListName, UntrustName, DryRunName, CheckName }.Select(UsageOf))}";

    /// <summary>How a command is typed after the prefix: its word and what follows it (<c>解禁 @某人</c>); the text itself for any other.</summary>
    private static string UsageOf(string name) => name switch
    {
        FalsePositiveName => $"{FalsePositiveName}（回复消息或警告）",
        UnmuteName => $"{UnmuteName} @某人",
        AllowName => $"{AllowName} 词语",
        DisallowName => $"{DisallowName} 词语",
        DryRunName => $"{DryRunName} 开 或 关",
        CheckName => $"{CheckName} 文字（或回复消息）",
        TrustName => $"{TrustName} @某人",
        UntrustName => $"{UntrustName} @某人",
        _ => name,
    };

    /// <summary>
    /// The answer to a word that is no command but surely meant one (<see cref="Nearest"/>): that
    /// command as it is typed, and where the others are, in a line a phone shows whole (the list of
    /// every command followed it, twice the length); help meant, the list it gives.
    /// </summary>
    private static string Suggested(string prefix, string meant) =>
        $"没有这个命令，是不是想用：{prefix} {UsageOf(meant)}？" + (meant == HelpName ? Usage(prefix) : $"全部命令：{prefix} {HelpName}");

    private static GroupCommand Help(string? replyTo) =>
        new() { Verb = GroupCommandVerb.Help, Name = HelpName, ReplyTo = replyTo };

    /// <summary>
    /// The members <c>解禁</c>, <c>信任</c> or <c>取消信任</c> names: those mentioned, and QQ numbers
    /// typed out (5 to 20 digits, as QQ numbers are), with or without an @ (＠ too), several parted by
    /// spaces or by ，、 as a list is typed; anything else in the text is no member. None named, the
    /// answer says how to name them: a mention typed by hand is no mention, a number too short or
    /// too long no QQ number.
    /// </summary>
    private static GroupCommand MembersOf(GroupCommand command, string argument, List<string> users, string botId, string prefix)
    {
        var words = SpaceMarks.Aggregate(argument, (text, mark) => text.Replace(mark, ' ')).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in words)
        {
            var id = word.TrimStart('@', '＠');
            if (id.StartsWith("qq", StringComparison.OrdinalIgnoreCase))
            {
                id = id[2..]; // QQ123456789, as a number is often written
            }

            if (IsQQNumber(id) && id != botId && !users.Contains(id, StringComparer.Ordinal))
            {
                users.Add(id);
            }
        }

        if (users.Count == 0)
        {
            // @小王 typed out by hand is text, not a mention: the platform says whom only when picked from the list.
            return words.FirstOrDefault(w => w.Length > 1 && w[0] is '@' or '＠') is { } typed
                ? command with { Problem = $"手打的「{Cut(typed, 20)}」不算 @：请输入 @ 后从成员列表中选人，或写 QQ 号" }
                : words.Select(w => w.TrimStart('@', '＠')).FirstOrDefault(w => w.Length > 0 && w.All(char.IsAsciiDigit) && w != botId) is { } number
                ? command with { Problem = $"「{Cut(number, 24)}」不是 QQ 号（5 到 20 位数字）：请 @ 要{command.Name}的人，或写 QQ 号" }
                : command with { Problem = $"请 @ 要{command.Name}的人：{prefix} {command.Name} @某人" };
        }

        return users.Count > MaxUsers
            ? command with { Problem = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"一次最多{command.Name} {MaxUsers} 人") }
            : command with { Users = users };
    }

    /// <summary>Whether <paramref name="id"/> is a QQ number as a member types one: 5 to 20 ASCII digits.</summary>
    public static bool IsQQNumber(string id) => id.Length is >= 5 and <= 20 && id.All(char.IsAsciiDigit);

    /// <summary>
    /// A phrase to add to the group's allow list. A member mentioned in place of a phrase, or a
    /// phrase that starts with @ (a mention typed out), is someone the admin meant to let be: no
    /// phrase, so nothing is written (<c>@张三</c> was, and answered 已放行) and the answer says 放行 is
    /// for words, and how to clear a member's message flagged wrongly.
    /// </summary>
    private static GroupCommand AllowOf(GroupCommand command, string phrase, List<string> users, string prefix)
    {
        if (phrase.Length == 0 && command.ReplyTo is not null)
        {
            // Sent as a reply to a member's message (a QQ reply @s its sender): the message is what
            // the admin means to let be, and 误判 is the command for it, sent the same way.
            return command with { Problem = $"放行只针对词语：{prefix} {AllowName} 词语；要把回复的这条消息标为误判，请同样回复它发 {prefix} {FalsePositiveName}" };
        }

        if ((phrase.Length == 0 && users.Count > 0) || phrase.StartsWith('@') || phrase.StartsWith('＠'))
        {
            return command with { Problem = $"放行只针对词语，不针对人：{prefix} {AllowName} 词语；某人的消息被误判，请回复那条消息再发 {prefix} {FalsePositiveName}" };
        }

        return GroupAllowList.Check(phrase) switch
        {
            AllowPhraseProblem.None => command with { Argument = phrase },
            AllowPhraseProblem.TooLong => command with { Problem = $"放行词语最长 {GroupAllowList.MaxPhraseLength} 个字" },
            AllowPhraseProblem.NotOneLine => command with { Problem = "放行词语不能含 # 或换行" },
            AllowPhraseProblem.SeveralPhrases => command with { Problem = OnePhraseAtATime(prefix, AllowName, GroupAllowList.PhrasesRunTogether(phrase)) },
            _ => command with { Problem = phrase.Length == 0 ? $"用法：{prefix} {AllowName} 词语" : "放行词语须含文字或数字" },
        };
    }

    /// <summary>
    /// How to give phrases run together (加微信群，扫码进群) one at a time: <c>一次放行一个说法：请分别发送
    /// /gg 放行 加微信群 和 /gg 放行 扫码进群</c>, for the verb <paramref name="verbName"/>.
    /// </summary>
    public static string OnePhraseAtATime(string prefix, string verbName, IReadOnlyList<string> phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        var commands = phrases.Select(p => $"{prefix} {verbName} {p}").ToList();
        var said = commands.Count > 1 ? $"{string.Join("、", commands.Take(commands.Count - 1))} 和 {commands[^1]}" : string.Concat(commands);
        return $"一次{verbName}一个说法：请分别发送 {said}";
    }

    /// <summary>
    /// A phrase to take off the list: whatever a line of it may be, one the file's editor wrote
    /// longer than a command adds too (up to <see cref="MaxNoteLength"/>).
    /// </summary>
    private static GroupCommand DisallowOf(GroupCommand command, string phrase, string prefix) =>
        phrase.Length == 0 ? command with { Problem = $"用法：{prefix} {DisallowName} 词语" }
        : phrase.Length > MaxNoteLength ? command with { Problem = $"取消放行的词语最长 {MaxNoteLength} 个字" }
        : phrase.Contains('#', StringComparison.Ordinal) || phrase.Any(char.IsControl) ? command with { Problem = "放行词语不能含 # 或换行" }
        : command with { Argument = phrase };

    /// <summary>
    /// <c>试运行 开</c> or <c>关</c> switches; <c>试运行</c> alone, asked (<c>试运行？</c>, <c>试运行 开？</c>),
    /// or with a word that is neither (<c>试运行 也许</c>) asks what the group's setting is
    /// (<see cref="GroupCommand.On"/> null), which the answer says with how to change it.
    /// </summary>
    private static GroupCommand DryRunOf(GroupCommand command, string argument) =>
        OnWords.Contains(argument, StringComparer.OrdinalIgnoreCase) ? command with { On = true }
        : OffWords.Contains(argument, StringComparer.OrdinalIgnoreCase) ? command with { On = false }
        : command;

    /// <summary>
    /// Words admins type for a command in words of their own, and the command they mean (as the
    /// answer suggests it: <c>开启试运行</c>, <c>试运行 开</c>). Each is a whole word: one that starts
    /// with a command's own word is that command already.
    /// </summary>
    private static readonly (string Word, string Meant)[] Synonyms =
    [
        ("帮忙", HelpName), ("菜单", HelpName), ("命令", HelpName), ("指令", HelpName), ("用法", HelpName), ("help", HelpName),
        ("统计", StatusName), ("今日", StatusName), ("今天", StatusName), ("status", StatusName),
        ("误报", FalsePositiveName), ("误杀", FalsePositiveName), ("误伤", FalsePositiveName), ("错判", FalsePositiveName),
        ("解除禁言", UnmuteName), ("取消禁言", UnmuteName), ("解封", UnmuteName), ("unmute", UnmuteName),
        ("白名单", AllowListName), ("查看放行", AllowListName), ("查看放行名单", AllowListName),
        ("允许", AllowName), ("加白", AllowName),
        ("删除放行", DisallowName), ("移除放行", DisallowName), ("撤销放行", DisallowName),
        ("豁免", TrustName), ("免处置", TrustName),
        ("不信任", UntrustName), ("删除信任", UntrustName), ("移除信任", UntrustName), ("撤销信任", UntrustName),
        ("查看信任", TrustListName),
        ("开启试运行", $"{DryRunName} 开"), ("打开试运行", $"{DryRunName} 开"), ("关闭试运行", $"{DryRunName} 关"), ("dryrun", DryRunName),
        ("检测", CheckName), ("check", CheckName),
    ];

    /// <summary>
    /// The command whose own word the text run on from the prefix is, typed one character off
    /// (<c>/gg帮主</c>, <c>/gg检察</c>, <c>/gg放形名单</c>): the prefix and a command's word, no space
    /// between, as <c>/gg帮助</c> is read. Nothing shorter than two characters (<c>/gg好</c>, <c>/ggg</c>),
    /// nothing that starts with other than a letter past ASCII, as Chinese is (<c>/gg-状态</c>, <c>/ggx状态</c>), and none of the words of
    /// one's own <see cref="Nearest"/> knows (<c>/gghelp</c>, <c>/gg今天</c>): those are text, perhaps
    /// another bot's command; null then.
    /// </summary>
    private static string? GluedTypo(ReadOnlySpan<char> rest)
    {
        var end = rest.IndexOfAny(WordEnds);
        var typed = (end < 0 ? rest : rest[..end]).ToString().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return typed.Length >= 2 && char.IsLetter(typed[0]) && !char.IsAscii(typed[0]) ? OneEditFrom(typed, besides: null) : null;
    }

    /// <summary>Where the word typed for a command ends: a space, a mention, or a mark typed after it.</summary>
    private const string WordEnds = "@＠" + FullStops + QuestionMarks;

    /// <summary>
    /// The command a word that is none was surely meant to be, as the answer suggests it: one of
    /// <see cref="Synonyms"/>; else a command's word typed with a space inside it (取消 放行, 试 运行);
    /// else the one command whose word, or 放行列表, is a single character away (one added, left
    /// out, replaced, or two side by side swapped: 帮主, 检察, 态状), <paramref name="besides"/> (the
    /// command whose word the text starts with) left out; null when none is, or when two commands are.
    /// </summary>
    internal static string? Nearest(ReadOnlySpan<char> rest, GroupCommandVerb? besides = null)
    {
        var end = rest.IndexOfAny(WordEnds);
        var words = (end < 0 ? rest : rest[..end]).ToString().Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        var typed = words.FirstOrDefault() ?? "";
        if (typed.Length == 0)
        {
            return null;
        }

        foreach (var (word, meant) in Synonyms)
        {
            if (string.Equals(typed, word, StringComparison.OrdinalIgnoreCase))
            {
                return meant;
            }
        }

        if (besides is null && words.Length > 1 && VerbAt(typed + words[1]) is { } split && split.Name == typed + words[1])
        {
            return NameOf(split.Verb);
        }

        return OneEditFrom(typed, besides);
    }

    /// <summary>The one command whose word, or 放行列表, <paramref name="typed"/> is a single character away from, <paramref name="besides"/> left out; null when none is, or two are.</summary>
    private static string? OneEditFrom(string typed, GroupCommandVerb? besides)
    {
        var near = Verbs.Where(v => v.Verb != besides && OneEditApart(typed, v.Name)).Select(v => v.Verb).Distinct().ToList();
        return near.Count == 1 ? NameOf(near[0]) : null;
    }

    /// <summary>A verb's own word (<c>放行名单</c>, not 放行列表; <c>信任名单</c>, not 信任列表).</summary>
    private static string NameOf(GroupCommandVerb verb) => verb switch
    {
        GroupCommandVerb.AllowList => AllowListName,
        GroupCommandVerb.TrustList => TrustListName,
        _ => Verbs.First(v => v.Verb == verb).Name,
    };

    /// <summary>Whether <paramref name="a"/> is <paramref name="b"/> with one character added, left out, replaced, or two side by side swapped.</summary>
    private static bool OneEditApart(string a, string b)
    {
        if (a == b || Math.Abs(a.Length - b.Length) > 1)
        {
            return false;
        }

        var start = 0;
        while (start < a.Length && start < b.Length && a[start] == b[start])
        {
            start++;
        }

        if (a.Length != b.Length)
        {
            var (longer, shorter) = a.Length > b.Length ? (a, b) : (b, a);
            return longer.AsSpan(start + 1).SequenceEqual(shorter.AsSpan(start));
        }

        return a.AsSpan(start + 1).SequenceEqual(b.AsSpan(start + 1))
            || (start + 1 < a.Length && a[start] == b[start + 1] && a[start + 1] == b[start] && a.AsSpan(start + 2).SequenceEqual(b.AsSpan(start + 2)));
    }

    private static (string Name, GroupCommandVerb Verb)? VerbAt(ReadOnlySpan<char> text)
    {
        foreach (var verb in Verbs)
        {
            if (text.StartsWith(verb.Name, StringComparison.Ordinal))
            {
                return verb;
            }
        }

        return null;
    }

    /// <summary>The prefix in either case, each character also in its full-width form (／ＧＧ, as Chinese input methods type it).</summary>
    private static bool StartsWithPrefix(ReadOnlySpan<char> text, string prefix)
    {
        if (text.Length < prefix.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (char.ToLowerInvariant(HalfWidth(text[i])) != char.ToLowerInvariant(HalfWidth(prefix[i])))
            {
                return false;
            }
        }

        return true;
    }

    private static char HalfWidth(char c) => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;

    private static string Cut(string text, int max) =>
        text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];
}
