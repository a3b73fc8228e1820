using System.Text;
using GroupGuard.Core.Commands;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Rules;

/// <summary>What is wrong with a phrase offered for an allow list.</summary>
public enum AllowPhraseProblem
{
    /// <summary>Nothing: it can stand as a line.</summary>
    None,

    /// <summary>Empty, or nothing but spaces, punctuation and symbols, which folding drops.</summary>
    NothingLeft,

    /// <summary>Longer than <see cref="GroupAllowList.MaxPhraseLength"/>.</summary>
    TooLong,

    /// <summary>Holds <c>#</c>, which would start a comment, or a line break or other control character.</summary>
    NotOneLine,

    /// <summary>
    /// Several phrases run together by <c>，、,；</c> (加微信群，扫码进群): as a line it is one phrase,
    /// which cancels a hit only where its parts stand one right after the other, as the loader warns.
    /// </summary>
    SeveralPhrases,
}

/// <summary>What became of a phrase offered for a group's allow list.</summary>
public enum GroupAllowAdded
{
    /// <summary>Written as a new line at the end of the file (created when there was none).</summary>
    Added,

    /// <summary>The file has that line already: nothing written.</summary>
    AlreadyThere,

    /// <summary>The file holds <see cref="GroupAllowList.MaxPhrases"/> lines or more: nothing written.</summary>
    Full,

    /// <summary>The list would be a new file, and the folder holds <see cref="RuleLoader.MaxGroupAllowLists"/> already: nothing written.</summary>
    TooManyLists,

    /// <summary>The folder holds <see cref="RuleLoader.MaxTermLines"/> lines of terms and phrases already, or the phrase would take it past <see cref="RuleLoader.MaxTermCharacters"/>: nothing written.</summary>
    FolderFull,

    /// <summary>The file is not UTF-8 text (an editor saved it as GBK): nothing written, lest a UTF-8 line after GBK ones leave it half one, half the other.</summary>
    NotUtf8,
}

/// <summary>What became of a phrase to be taken off a group's allow list.</summary>
public enum GroupAllowRemoved
{
    /// <summary>Its lines were taken out of the file; the rest of the file is as it was.</summary>
    Removed,

    /// <summary>The group has a list, without that line: nothing written.</summary>
    NotThere,

    /// <summary>The group has no list: nothing written.</summary>
    NoList,

    /// <summary>The file is not UTF-8 text (an editor saved it as GBK): nothing written, lest a rewrite garble it.</summary>
    NotUtf8,
}

/// <summary>
/// A group's own allow list, <c>allow-&lt;group id&gt;.txt</c> in the rules folder: phrases that
/// cancel any hit they cover in that group's messages only, read like <c>allow.txt</c>.
/// </summary>
public static class GroupAllowList
{
    public const string FilePrefix = "allow-";
    public const string FileSuffix = ".txt";

    /// <summary>The longest phrase a command adds: a phrase is a few words, never a paragraph.</summary>
    public const int MaxPhraseLength = 50;

    /// <summary>The most lines a command lets the file grow to; an editor may write more.</summary>
    public const int MaxPhrases = 1000;

    /// <summary>The file of <paramref name="groupId"/>'s list (no folder); see <see cref="IsFileGroupId"/>.</summary>
    public static string FileName(string groupId) => FilePrefix + groupId + FileSuffix;

    /// <summary>
    /// The group a file name is the allow list of, or null when it is none (<c>allow.txt</c>,
    /// <c>ads.txt</c>). <c>allow-.txt</c> gives an empty id, which the loader reports.
    /// </summary>
    public static string? GroupOf(string fileName) =>
        fileName.Length >= FilePrefix.Length + FileSuffix.Length
        && fileName.StartsWith(FilePrefix, StringComparison.Ordinal)
        && fileName.EndsWith(FileSuffix, StringComparison.Ordinal)
            ? fileName[FilePrefix.Length..^FileSuffix.Length]
            : null;

    /// <summary>
    /// Whether a group id can name a file in the rules folder: 1 to 64 ASCII letters, digits and
    /// <c>_ - . @</c>, not starting with a dot (QQ numbers, openids, WeChat's <c>…@chatroom</c>).
    /// </summary>
    public static bool IsFileGroupId(string? groupId)
    {
        if (groupId is not { Length: > 0 and <= 64 } || groupId[0] == '.')
        {
            return false;
        }

        foreach (var c in groupId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.' or '@'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first lines of a list a command creates: what the file is, for whoever opens it.</summary>
    public const string Header = "# 本群放行词语：一行一个，盖住命中的词语就不算违规，只在本群生效。群主、管理员可在群里发「/gg 放行 词语」添加、「/gg 取消放行 词语」删除，也可直接编辑本文件。\n";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    // A list added to or rewritten is read strictly: text that is not UTF-8 would come back garbled.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Adds <paramref name="phrase"/> (checked with <see cref="Check"/>) as a line of
    /// <paramref name="groupId"/>'s list in <paramref name="folder"/>, unless it is there already, the
    /// list is full or not UTF-8 text, or the line would take the folder past a bound of the whole folder (the lists it
    /// may hold; <paramref name="termLines"/> and <paramref name="termCharacters"/>, the lines and
    /// characters of terms and phrases it held at the last load): a command never writes what would
    /// stop the folder from loading. Throws on a file system failure. The rule set reloads to apply it.
    /// </summary>
    public static GroupAllowAdded Add(string folder, string groupId, string phrase, long termLines = 0, long termCharacters = 0)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(phrase);
        if (!IsFileGroupId(groupId))
        {
            throw new ArgumentException($"'{groupId}' cannot name a file in the rules folder", nameof(groupId));
        }

        if (Check(phrase) != AllowPhraseProblem.None)
        {
            throw new ArgumentException($"'{phrase}' cannot be a line of an allow list", nameof(phrase));
        }

        phrase = phrase.Trim();
        var path = Path.Combine(folder, FileName(groupId));
        string? existing = null;
        if (File.Exists(path))
        {
            // Read strictly, byte order mark or not: a list saved as GBK (or as UTF-16, "Unicode" in
            // Notepad) would be read as something else and get a UTF-8 line after it.
            try
            {
                existing = StrictUtf8.GetString(File.ReadAllBytes(path));
            }
            catch (DecoderFallbackException)
            {
                return GroupAllowAdded.NotUtf8;
            }

            var lines = RuleTextFiles.ParseLines(existing);
            if (lines.Any(l => string.Equals(l.Text, phrase, StringComparison.Ordinal)))
            {
                return GroupAllowAdded.AlreadyThere;
            }

            if (lines.Count >= MaxPhrases)
            {
                return GroupAllowAdded.Full;
            }
        }

        if (termLines >= RuleLoader.MaxTermLines || termCharacters + phrase.Length > RuleLoader.MaxTermCharacters)
        {
            return GroupAllowAdded.FolderFull;
        }

        if (existing is null && Directory.EnumerateFiles(folder, FilePrefix + "*" + FileSuffix).Count(f => GroupOf(Path.GetFileName(f)) is not null) >= RuleLoader.MaxGroupAllowLists)
        {
            return GroupAllowAdded.TooManyLists;
        }

        var lead = existing is null ? Header : existing.Length > 0 && !existing.EndsWith('\n') ? "\n" : "";
        File.AppendAllText(path, lead + phrase + "\n", Utf8);
        return GroupAllowAdded.Added;
    }

    /// <summary>
    /// Takes <paramref name="phrase"/> (trimmed; as the loader reads a line: a comment after it does
    /// not count) off <paramref name="groupId"/>'s list in <paramref name="folder"/>: every line that
    /// is that phrase goes (a full stop or exclamation mark at the end of either left out, as folding
    /// leaves it out: a line 加微信群。 goes with 加微信群), the other lines and comments stay as they
    /// were, byte for byte. The file is
    /// written whole beside itself and then put in its place, so a crash leaves the old list or the
    /// new one, never half of one. Throws on a file system failure. The rule set reloads to apply it.
    /// </summary>
    public static GroupAllowRemoved Remove(string folder, string groupId, string phrase)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(phrase);
        if (!IsFileGroupId(groupId))
        {
            throw new ArgumentException($"'{groupId}' cannot name a file in the rules folder", nameof(groupId));
        }

        phrase = phrase.Trim();
        var path = Path.Combine(folder, FileName(groupId));
        if (!File.Exists(path))
        {
            return GroupAllowRemoved.NoList;
        }

        string text;
        try
        {
            // As Add reads it: the bytes as UTF-8, strictly. Read as text, a byte order mark of UTF-16
            // would switch the decoding, and the list would be rewritten as UTF-8.
            text = StrictUtf8.GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            return GroupAllowRemoved.NotUtf8;
        }

        // UTF-8's own byte order mark, which Windows editors write, stays at the start whatever line goes.
        var mark = text.StartsWith('\uFEFF') ? "\uFEFF" : "";
        var lines = text[mark.Length..].Split('\n');

        var drop = RuleTextFiles.ParseLines(lines)
            .Where(l => string.Equals(GroupCommandParser.WithoutFullStop(l.Text), GroupCommandParser.WithoutFullStop(phrase), StringComparison.Ordinal))
            .Select(l => l.Line - 1)
            .ToHashSet();
        if (drop.Count == 0)
        {
            return GroupAllowRemoved.NotThere;
        }

        var kept = mark + string.Join('\n', lines.Where((_, i) => !drop.Contains(i)));
        // Hidden, so the loader and its warnings about unread files never see it half-written.
        var temporary = Path.Combine(folder, $".{FileName(groupId)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, kept, Utf8);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return GroupAllowRemoved.Removed;
    }

    /// <summary>Whether <paramref name="phrase"/> (trimmed) can be one line of an allow list, as the loader would take it.</summary>
    public static AllowPhraseProblem Check(string phrase)
    {
        ArgumentNullException.ThrowIfNull(phrase);
        if (phrase.Length > MaxPhraseLength)
        {
            return AllowPhraseProblem.TooLong;
        }

        if (phrase.Contains('#', StringComparison.Ordinal) || phrase.Any(char.IsControl))
        {
            return AllowPhraseProblem.NotOneLine;
        }

        return TextFolder.Plain.FoldToString(phrase.Trim()).Length == 0 ? AllowPhraseProblem.NothingLeft
            : PackReader.RunTogether(phrase) ? AllowPhraseProblem.SeveralPhrases
            : AllowPhraseProblem.None;
    }

    /// <summary>
    /// The phrases <paramref name="phrase"/> runs together (加微信群，扫码进群: 加微信群 and 扫码进群), by
    /// the loader's own test of a line of an allow list; empty when it is one phrase (a comma left at
    /// its end, 加微信群，, runs nothing together).
    /// </summary>
    public static IReadOnlyList<string> PhrasesRunTogether(string phrase)
    {
        ArgumentNullException.ThrowIfNull(phrase);
        return PackReader.RunTogether(phrase) ? PackReader.Items(phrase).Parts : [];
    }
}
