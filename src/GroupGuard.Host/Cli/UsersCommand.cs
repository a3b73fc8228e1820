using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;

namespace GroupGuard.Host.Cli;

/// <summary>
/// <c>users add | list | remove</c>: the console's accounts; <c>users block | unblock | blocked</c>:
/// the users whose join requests every group turns away.
/// </summary>
internal static class UsersCommand
{
    public static async Task<int> AddAsync(
        string name,
        string role,
        string? groups,
        IAccountStore accounts,
        IIncidentStore store,
        TimeProvider time,
        Func<string, string?> readPassword,
        string consoleAt,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        if (!ConsoleAccount.IsValidName(name))
        {
            await error.WriteLineAsync($"groupguard users add: '{name}' is not a usable name: letters, digits, hanzi and . _ - @, at most {ConsoleAccount.MaxNameLength} characters");
            return 2;
        }

        var accountRole = role == "admin" ? AccountRole.Admin : AccountRole.Leader;
        var groupIds = (groups ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (groupIds.FirstOrDefault(g => !ConsoleAccount.IsValidGroupId(g)) is { } bad)
        {
            await error.WriteLineAsync($"groupguard users add: --groups has '{bad}', which is not a group id (letters, digits, _ - . : @)");
            return 2;
        }

        if (accountRole == AccountRole.Leader && groupIds.Count == 0)
        {
            await error.WriteLineAsync("groupguard users add: a leader needs --groups ID,… (the groups they may see)");
            return 2;
        }

        if (accountRole == AccountRole.Admin && groupIds.Count > 0)
        {
            await error.WriteLineAsync("groupguard users add: an admin sees every group; --groups is for leaders");
            return 2;
        }

        // Before the password is asked for: a database this command may not use is said before anyone types it twice.
        await store.InitializeAsync(cancellationToken);
        var password = readPassword($"Password for {name}: ");
        if (password is null)
        {
            await error.WriteLineAsync("groupguard users add: no password was given (type it at the prompt, or pipe it on standard input)");
            return 2;
        }

        if (PasswordHasher.Weakness(password) is { } weakness)
        {
            await error.WriteLineAsync($"groupguard users add: {weakness}");
            return 2;
        }

        var now = time.GetUtcNow();
        var account = new ConsoleAccount(name, accountRole, groupIds, PasswordHasher.Hash(password), now);
        if (!await accounts.AddAsync(account, cancellationToken))
        {
            await error.WriteLineAsync($"groupguard users add: there is already an account named '{name}' (users remove it first)");
            return 1;
        }

        await accounts.AuditAsync(new AuditEntry(0, now, VerbHost.Actor, "user_add", name, Describe(account), null), cancellationToken);
        await output.WriteLineAsync($"added {Describe(account)}; the console is at {consoleAt}");
        return 0;
    }

    /// <summary>
    /// Where the console is opened, as <c>users add</c> says it: at <c>GroupGuard:Console:PublicUrl</c>
    /// when it is set, and at each address the service listens on (<c>http://127.0.0.1:5140/console</c>
    /// on the defaults), read from the same settings the service reads.
    /// </summary>
    public static string ConsoleAt(IConfiguration configuration)
    {
        var listen = new Webhooks.ListenAddresses(configuration);
        var reached = new List<string>();
        if (Uri.TryCreate(configuration["GroupGuard:Console:PublicUrl"], UriKind.Absolute, out var publicUrl) && (publicUrl.Scheme == Uri.UriSchemeHttps || publicUrl.Scheme == Uri.UriSchemeHttp))
        {
            reached.Add(publicUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + WebConsole.ConsoleRegistration.PathBase);
        }

        reached.AddRange(listen.Reached(WebConsole.ConsoleRegistration.PathBase));
        return reached.Count > 0
            ? string.Join(" or ", reached.Distinct(StringComparer.OrdinalIgnoreCase))
            : $"{WebConsole.ConsoleRegistration.PathBase} on {string.Join(", ", listen.All)}";
    }

    public static async Task<int> ListAsync(IAccountStore accounts, IIncidentStore store, TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var now = time.GetUtcNow();
        foreach (var account in await accounts.ListAsync(cancellationToken))
        {
            var locked = account.LockedUntil is { } until && until > now ? $"  locked until {until:u}" : "";
            await output.WriteLineAsync(Describe(account) + locked);
        }

        return 0;
    }

    public static async Task<int> RemoveAsync(string name, IAccountStore accounts, IIncidentStore store, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        if (!await accounts.RemoveAsync(name, cancellationToken))
        {
            await error.WriteLineAsync($"groupguard users remove: there is no account named '{name}'");
            return 1;
        }

        await accounts.AuditAsync(new AuditEntry(0, time.GetUtcNow(), VerbHost.Actor, "user_remove", name, null, null), cancellationToken);
        await output.WriteLineAsync($"removed {name}; their sessions end with their next request");
        return 0;
    }

    public static async Task<int> BlockAsync(
        string platform,
        string userId,
        string? note,
        Core.Members.IUserBlocks blocks,
        IAccountStore accounts,
        IIncidentStore store,
        TimeProvider time,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        if (UserIdProblem(platform, userId) is { } problem)
        {
            await error.WriteLineAsync("groupguard users block: " + problem);
            return 2;
        }

        if (note is { Length: > MaxNoteLength })
        {
            await error.WriteLineAsync($"groupguard users block: --note is longer than {MaxNoteLength} characters");
            return 2;
        }

        await store.InitializeAsync(cancellationToken);
        var now = time.GetUtcNow();
        var by = VerbHost.Actor;
        if (!await blocks.BlockAsync(new Core.Members.UserBlock(platform, userId, now, note ?? $"blocked by {by}", null), cancellationToken))
        {
            await output.WriteLineAsync($"{platform} user {userId} is already blocked");
            return 0;
        }

        await accounts.AuditAsync(new AuditEntry(0, now, by, "user_block", $"{platform}:{userId}", note, null), cancellationToken);
        await output.WriteLineAsync($"blocked {platform} user {userId}: their join requests are rejected in every group");
        return 0;
    }

    public static async Task<int> UnblockAsync(
        string platform,
        string userId,
        Core.Members.IUserBlocks blocks,
        IAccountStore accounts,
        IIncidentStore store,
        TimeProvider time,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        if (UserIdProblem(platform, userId) is { } problem)
        {
            await error.WriteLineAsync("groupguard users unblock: " + problem);
            return 2;
        }

        await store.InitializeAsync(cancellationToken);
        if (!await blocks.UnblockAsync(platform, userId, cancellationToken))
        {
            await error.WriteLineAsync($"groupguard users unblock: {platform} user {userId} is not blocked (users blocked lists who is)");
            return 1;
        }

        await accounts.AuditAsync(new AuditEntry(0, time.GetUtcNow(), VerbHost.Actor, "user_unblock", $"{platform}:{userId}", null, null), cancellationToken);
        await output.WriteLineAsync($"unblocked {platform} user {userId}");
        return 0;
    }

    public static async Task<int> BlockedAsync(Core.Members.IUserBlocks blocks, IIncidentStore store, TextWriter output, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var list = await blocks.ListAsync(cancellationToken);
        foreach (var block in list)
        {
            await output.WriteLineAsync($"{block.Platform} {block.UserId}  since {block.At:u}  {block.Note}");
        }

        await output.WriteLineAsync($"{list.Count} blocked");
        return 0;
    }

    /// <summary>The longest note a block keeps.</summary>
    private const int MaxNoteLength = 500;

    private static string? UserIdProblem(string platform, string userId) =>
        !ConsoleAccount.IsValidGroupId(platform) ? $"--platform '{platform}' is not a platform name (letters, digits, _ - . : @)"
        : !ConsoleAccount.IsValidGroupId(userId) || userId.Length > MessageLimits.MaxIdLength ? $"'{userId}' is not a user id (letters, digits, _ - . : @, at most {MessageLimits.MaxIdLength} characters)"
        : null;

    private static string Describe(ConsoleAccount account) =>
        account.Role == AccountRole.Admin ? $"{account.Name} (admin)" : $"{account.Name} (leader of {string.Join(", ", account.GroupIds)})";

    /// <summary>
    /// The password: the first line of standard input when it is redirected (a script, a test),
    /// else typed twice at the terminal without echo.
    /// </summary>
    public static string? ReadPassword(string prompt, TextReader? input, TextWriter error)
    {
        if (input is not null)
        {
            return input.ReadLine();
        }

        if (System.Console.IsInputRedirected)
        {
            return System.Console.In.ReadLine();
        }

        var first = ReadHidden(prompt, error);
        var second = ReadHidden("Again: ", error);
        if (first != second)
        {
            error.WriteLine("the two passwords differ");
            return null;
        }

        return first;
    }

    private static string ReadHidden(string prompt, TextWriter error)
    {
        error.Write(prompt);
        error.Flush();
        var text = new StringBuilder();
        while (true)
        {
            var key = System.Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar) && text.Length <= PasswordHasher.MaxPasswordLength)
            {
                text.Append(key.KeyChar);
            }
        }

        error.WriteLine();
        return text.ToString();
    }
}
