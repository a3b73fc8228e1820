using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using GroupGuard.Core;
using GroupGuard.Core.Rules;
using GroupGuard.Channels;
using GroupGuard.Host.Alerts;
using GroupGuard.Host.Digests;
using GroupGuard.OneBot;
using GroupGuard.Storage;
using GroupGuard.Text.Jieba;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Cli;

/// <summary>
/// The <c>groupguard</c> command line: the service (the default) and the verbs an operator or
/// administrator types. Usage errors exit 2 with a hint, bad settings exit 1 naming the setting,
/// and every verb passes settings given as <c>--Section:Key=value</c> on to its configuration.
/// </summary>
internal static class GroupGuardCommandLine
{
    private const string Description = """
        groupguard: keeps QQ and WeChat groups clean (OneBot v11 / v12, Milky, the QQ bot platform, WeCom).
        Without a command it runs the service.

        Settings come from appsettings.json beside the executable, then appsettings.<environment>.json
        (Production unless DOTNET_ENVIRONMENT or ASPNETCORE_ENVIRONMENT says otherwise), then
        environment variables (GroupGuard__OneBot__Secret=…), then the command line (--GroupGuard:Rules:Path=…):
          GroupGuard:Rules:Path               rules folder (default: rules)
          GroupGuard:Storage:ConnectionString SQLite database (default: Data Source=data/groupguard.db)
          GroupGuard:OneBot:Secret            v11 HTTP POST signature secret (X-Signature), 16+ characters
          GroupGuard:OneBot:AccessToken       Bearer token of the v12 webhook and the v11 reverse WebSocket
                                              (needed with Secret off loopback); sent on OneBot API calls
          GroupGuard:OneBot:ApiBaseUrl        OneBot HTTP API of the bot, e.g. http://127.0.0.1:3000
          --urls / ASPNETCORE_URLS            listen address (default: http://127.0.0.1:5140)

        Endpoints: POST /onebot/v11, POST /onebot/v12, GET /onebot/v11/ws (reverse WebSocket),
        POST /milky, POST /qqbot (or GroupGuard:QQBot:Path), GET /healthz, /console (after 'users add')
        """;

    /// <summary>
    /// Runs the command line. <paramref name="input"/> is where a password is read from;
    /// <paramref name="standardInput"/> and <paramref name="standardOutput"/> are the byte streams
    /// <c>scan</c> reads and <c>scan</c> and <c>incidents export</c> write (default: the process's own).
    /// </summary>
    public static async Task<int> InvokeAsync(
        string[] args,
        TextWriter? output = null,
        TextWriter? error = null,
        CancellationToken cancellationToken = default,
        TextReader? input = null,
        Stream? standardInput = null,
        Stream? standardOutput = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var streams = new StandardStreams(standardInput, standardOutput);
        var root = Build(output, error, input, streams);

        // A note or a message may well start with '@': no response files.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // --help and --version answer whatever else was typed.
        if (parsed.Action is System.CommandLine.Help.HelpAction)
        {
            return await HelpAsync(parsed, output, error, cancellationToken);
        }

        if (parsed.Action is CommandLineAction { ClearsParseErrors: true })
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        }

        var (_, settingErrors) = ConfigurationArguments.Split(parsed.UnmatchedTokens);
        var errors = parsed.Errors.Select(e => e.Message).Concat(settingErrors).ToList();
        if (errors.Count > 0)
        {
            foreach (var message in errors)
            {
                await error.WriteLineAsync("groupguard: " + message);
            }

            await error.WriteLineAsync($"Try 'groupguard {string.Join(' ', CommandPath(parsed.CommandResult))} --help'.".Replace("  ", " ", StringComparison.Ordinal));
            return 2;
        }

        try
        {
            return await parsed.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = output,
                    Error = error,
                    EnableDefaultExceptionHandler = false,

                    // The service handles SIGTERM and Ctrl+C itself, draining its queue; a verb is cancelled.
                    ProcessTerminationTimeout = parsed.CommandResult.Command is RootCommand || parsed.CommandResult.Command.Name == "run" ? null : TimeSpan.FromSeconds(2),
                },
                cancellationToken);
        }
        catch (Exception ex) when (StartupErrors.Describe(ex) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync(problem);
            }

            return 1;
        }
        catch (OperationCanceledException ex) when (ex.InnerException is not TimeoutException)
        {
            // Ctrl+C or SIGTERM: the shell's convention, and no stack trace for what the user asked for.
            return InterruptedExitCode;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or OperationCanceledException)
        {
            // Standard output is full or closed, standard input is not readable, a stored row is
            // not what it should be, a request timed out: what went wrong, in one line.
            await TryWriteLineAsync(error, "groupguard: " + (ex is OperationCanceledException { InnerException: { } timeout } ? timeout.Message : ex.Message));
            return 1;
        }
    }

    /// <summary>
    /// A command's help, in English as its descriptions are, where what a command takes besides its
    /// options is said to be settings (<c>--Section:Key=value</c>), which it is, not "additional
    /// arguments passed to the application that is being run", as System.CommandLine puts it.
    /// </summary>
    private static async Task<int> HelpAsync(ParseResult parsed, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var help = new StringWriter(CultureInfo.InvariantCulture);
        int exit;
        var culture = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        try
        {
            exit = await parsed.InvokeAsync(new InvocationConfiguration { Output = help, Error = error }, cancellationToken);
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }

        var lines = help.ToString().Replace("[[--] <additional arguments>...]]", "[--Section:Key=value ...]", StringComparison.Ordinal).Split('\n').ToList();
        var at = lines.FindIndex(l => l.TrimEnd() == "Additional Arguments:");
        if (at >= 0 && at + 1 < lines.Count && lines[at + 1].Trim() == "Arguments passed to the application that is being run.")
        {
            lines[at] = "Settings:";
            lines[at + 1] = "  --Section:Key=value  any setting, over appsettings.json and the environment,";
            lines.Insert(at + 2, "                       e.g. --GroupGuard:Storage:ConnectionString=\"Data Source=/srv/groupguard/groupguard.db\"");
        }

        await output.WriteAsync(string.Join('\n', lines));
        return exit;
    }

    /// <summary>The exit code of a verb stopped by Ctrl+C (128 + SIGINT), as a shell reports it.</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>Standard error may be what failed: then there is nobody to tell.</summary>
    private static async Task TryWriteLineAsync(TextWriter error, string line)
    {
        try
        {
            await error.WriteLineAsync(line);
            await error.FlushAsync();
        }
        catch (IOException)
        {
            // Nowhere left to say it; the exit code does.
        }
    }

    /// <summary>The byte streams of the verbs that read and write data rather than text: given, or the process's own.</summary>
    private sealed class StandardStreams(Stream? input, Stream? output)
    {
        public Stream Input => input ?? Console.OpenStandardInput();

        public Stream Output => output ?? Console.OpenStandardOutput();
    }

    private static RootCommand Build(TextWriter output, TextWriter error, TextReader? input, StandardStreams streams)
    {
        var root = new RootCommand(Description) { TreatUnmatchedTokensAsErrors = false };
        root.SetAction(parsed => GroupGuardApp.RunServiceAsync(Settings(parsed)));

        var run = new Command("run", "Run the service (the same as no command).") { TreatUnmatchedTokensAsErrors = false };
        run.SetAction(parsed => GroupGuardApp.RunServiceAsync(Settings(parsed)));
        root.Subcommands.Add(run);
        root.Subcommands.Add(Incidents(output, error, streams));
        root.Subcommands.Add(Digest(output, error));
        root.Subcommands.Add(Rules(output, error));
        root.Subcommands.Add(Scan(error, streams));
        root.Subcommands.Add(Users(output, error, input));
        root.Subcommands.Add(Images(output, error));
        return root;
    }

    private static Command Incidents(TextWriter output, TextWriter error, StandardStreams streams)
    {
        var format = new Option<string>("--format") { Description = "jsonl (one JSON object a line) or csv", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var since = TimeOption("--since", "only incidents whose message was sent at or after this time");
        var export = Verb("export", "Write recorded incidents to standard output.", format, since);
        export.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => IncidentsCommand.ExportAsync(parsed.GetValue(format)!, parsed.GetValue(since), sp.GetRequiredService<IIncidentStore>(), streams.Output, error, token),
            error,
            ct, readsDatabase: true));

        var id = IdArgument("ID", IncidentId, "the incident's id (see incidents export)");
        var falsePositive = new Option<bool>("--false-positive") { Description = "the hit was wrong: it no longer counts towards escalation" };
        var notFalsePositive = new Option<bool>("--not-false-positive") { Description = "take back an earlier --false-positive" };
        var note = new Option<string?>("--note") { Description = "why, for the digest and the next reader" };
        var folder = RulesOption();
        var mark = Verb("mark", "Record a human's verdict on an incident; suggests the allow line that would have prevented it.", falsePositive, notFalsePositive, note, folder);
        mark.Arguments.Add(id);
        mark.Validators.Add(result =>
        {
            if (result.GetValue(falsePositive) == result.GetValue(notFalsePositive))
            {
                result.AddError("say --false-positive or --not-false-positive");
            }
        });
        mark.SetAction((parsed, ct) => VerbHost.RunAsync(
            Settings(parsed),
            // The rules and Jieba's words too: the suggestion is whole words, under the key the rule's kind takes.
            (services, configuration) => services.AddGroupGuardStorage(configuration, upgradeSchema: false).AddGroupGuardCore(configuration).AddGroupGuardJieba(),
            (sp, token) => IncidentsCommand.MarkAsync(
                parsed.GetValue(id),
                parsed.GetValue(falsePositive),
                parsed.GetValue(note),
                sp.GetRequiredService<IIncidentStore>(),
                sp.GetRequiredService<Core.Accounts.IAccountStore>(),
                sp.GetRequiredService<TimeProvider>(),
                () => RuleLoader.Load(RulesFolder(parsed.GetValue(folder), sp), sp.GetRequiredService<TimeProvider>()).RuleSet,
                sp.GetService<Core.Text.IWordSegmenter>(),
                output,
                error,
                token),
            error,
            ct, readsDatabase: true));

        var (list, show) = IncidentsRead(output, error);
        return new Command("incidents", "Read and review recorded incidents.") { list, show, export, mark };
    }

    /// <summary><c>incidents list</c> and <c>incidents show</c>.</summary>
    private static (Command List, Command Show) IncidentsRead(TextWriter output, TextWriter error)
    {
        var since = TimeOption("--since", "only incidents whose message was sent at or after this time");
        var group = new Option<string?>("--group") { Description = "only this group's incidents", HelpName = "ID" };
        var user = new Option<string?>("--user") { Description = "only this member's incidents", HelpName = "ID" };
        var rule = new Option<string?>("--rule") { Description = "only this rule's incidents", HelpName = "RULE" };
        var status = new Option<string?>("--status") { Description = "only incidents of this outcome: an action_status, or logged (a log rule's, recorded; done is then only what was carried out), as the console filters" };
        status.AcceptOnlyFromAmong([.. WireNames<IncidentOutcome>.All]);
        var limit = new Option<int>("--limit") { Description = $"at most this many, newest first (1 to {IncidentsReadCommand.MaxLimit})", DefaultValueFactory = _ => 20, HelpName = "N" };
        var list = Verb("list", "Print the newest incidents, one line each (id, time, group, user, rule, action and status, the message's start).", since, group, user, rule, status, limit);
        list.Validators.Add(result =>
        {
            // Only as given: a command line with another error has no defaults to check.
            if (result.GetResult(limit) is { Implicit: false } given && given.GetValueOrDefault<int>() is < 1 or > IncidentsReadCommand.MaxLimit)
            {
                result.AddError($"--limit must be from 1 to {IncidentsReadCommand.MaxLimit}, got {given.GetValueOrDefault<int>()}");
            }

            foreach (var option in new[] { group, user, rule })
            {
                if (result.GetValue(option) is { } value && MessageLimits.IdProblem(option.Name, value) is { } problem)
                {
                    result.AddError(problem);
                }
            }
        });
        list.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => IncidentsReadCommand.ListAsync(
                new IncidentFilter
                {
                    From = parsed.GetValue(since),
                    GroupId = parsed.GetValue(group),
                    UserId = parsed.GetValue(user),
                    Rule = parsed.GetValue(rule),
                    Outcome = WireNames<IncidentOutcome>.TryParse(parsed.GetValue(status), out var s) ? s : null,
                },
                parsed.GetValue(limit),
                sp.GetRequiredService<IIncidentStore>(),
                sp.GetRequiredService<IIncidentBrowser>(),
                output,
                error,
                token),
            error,
            ct, readsDatabase: true));

        var id = IdArgument("ID", IncidentId, "the incident's id (incidents list shows it)");
        var show = Verb("show", "Print every field of one incident, one name: value a line, as export names them.");
        show.Arguments.Add(id);
        show.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => IncidentsReadCommand.ShowAsync(parsed.GetValue(id), sp.GetRequiredService<IIncidentStore>(), output, error, token),
            error,
            ct, readsDatabase: true));
        return (list, show);
    }

    private static Command Digest(TextWriter output, TextWriter error)
    {
        var leader = new Option<string>("--leader") { Description = "the leader's Name under GroupGuard:Leaders", Required = true };
        var from = TimeOption("--from", "start of the period (default: the end of the leader's last digest)");
        var to = TimeOption("--to", "end of the period (default: now)");
        var preview = Verb("preview", "Print the digest that would be sent; send nothing.", leader, from, to);
        preview.SetAction((parsed, ct) => DigestVerb(parsed, ct, error, (digests, token) =>
            DigestCommand.PreviewAsync(digests, parsed.GetValue(leader)!, parsed.GetValue(from), parsed.GetValue(to), output, error, token)));

        var force = new Option<bool>("--force") { Description = $"send even when the leader's last digest ended less than {DigestService.MinimumPeriod.TotalMinutes:0} minutes ago" };
        var send = Verb("send", "Send the due digest now, through the outbox.", leader, force);
        send.SetAction((parsed, ct) => DigestVerb(parsed, ct, error, (digests, token) =>
            DigestCommand.SendAsync(digests, parsed.GetValue(leader)!, parsed.GetValue(force), output, error, token)));

        var anyLeader = new Option<string?>("--leader") { Description = "only this leader's digests, or one alert rule's alerts or follow-ups: as listed ('告警 office', '告警跟进 office') or by key (alert:office, alert-followup:office)" };
        var format = new Option<string>("--format") { Description = "text (one line each) or jsonl", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "jsonl");
        var keys = new Option<bool>("--keys") { Description = "name each entry by its outbox key (alert:office, as the log does), not as the console does (告警 office)" };
        var list = Verb("list", "The outbox: which leader was told of which incident, and when.", anyLeader, format, keys);
        list.SetAction((parsed, ct) => DigestVerb(parsed, ct, error, (digests, token) =>
            DigestCommand.ListAsync(digests, parsed.GetValue(anyLeader), parsed.GetValue(format) == "jsonl", parsed.GetValue(keys), output, token)));

        return new Command("digest", "Preview, send and list leaders' digests.") { preview, send, list };
    }

    private static Task<int> DigestVerb(ParseResult parsed, CancellationToken cancellationToken, TextWriter error, Func<DigestService, CancellationToken, Task<int>> verb) =>
        VerbHost.RunAsync(
            Settings(parsed),
            (services, configuration) =>
            {
                // The digests the service would send, made and sent from the command line through
                // the same outbox: same leaders, channels and OneBot API.
                DigestRegistration.AddDefaults(configuration);
                services.AddGroupGuardStorage(configuration, upgradeSchema: false)
                    .AddGroupGuardOneBot(configuration)
                    .AddGroupGuardChannels(configuration)
                    .AddGroupGuardDigests(configuration)
                    .AddGroupGuardAlerts(configuration);

                // The rules folder, read once for the names of the rules the digest names.
                services.AddOptions<RulesOptions>().Bind(configuration.GetSection(RulesOptions.Section));
                services.AddSingleton<Core.Rules.IRuleSetProvider, FolderRules>();
            },
            async (sp, token) =>
            {
                // The schema checked as the other verbs check it: one of another version is refused, never upgraded.
                await sp.GetRequiredService<IIncidentStore>().InitializeAsync(token);
                return await verb(sp.GetRequiredService<DigestService>(), token);
            },
            error,
            cancellationToken,
            readsDatabase: true);

    private static Command Rules(TextWriter output, TextWriter error)
    {
        var folder = RulesOption();
        var strict = new Option<bool>("--strict") { Description = "exit 1 on warnings too (a regex that can never match), for a rules repository's CI" };
        var check = Verb("check", "Check rule packs: every problem as path:line: message.", folder, strict);
        check.SetAction((parsed, ct) => VerbHost.RunAsync(
            Settings(parsed),
            (services, configuration) => services.AddGroupGuardCore(configuration),
            (sp, _) => Task.FromResult(RulesCommand.Check(RulesFolder(parsed.GetValue(folder), sp), output, sp.GetRequiredService<TimeProvider>(), parsed.GetValue(strict))),
            error,
            ct));
        return new Command("rules", "Work with rule packs.") { check };
    }

    private static Command Users(TextWriter output, TextWriter error, TextReader? input)
    {
        var name = new Argument<string>("NAME") { Description = "the sign-in name (letters, digits, hanzi, . _ - @)" };
        var role = new Option<string>("--role") { Description = "admin (sees and does everything) or leader (reads their groups only)", Required = true };
        role.AcceptOnlyFromAmong("admin", "leader");
        var groups = new Option<string?>("--groups") { Description = "a leader's groups, comma-separated ids", HelpName = "ID,…" };
        var add = Verb("add", "Add a console account; the password is read from the terminal, or from standard input when it is piped.", role, groups);
        add.Arguments.Add(name);
        add.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => UsersCommand.AddAsync(
                parsed.GetValue(name)!,
                parsed.GetValue(role)!,
                parsed.GetValue(groups),
                sp.GetRequiredService<Core.Accounts.IAccountStore>(),
                sp.GetRequiredService<IIncidentStore>(),
                sp.GetRequiredService<TimeProvider>(),
                prompt => UsersCommand.ReadPassword(prompt, input, error),
                UsersCommand.ConsoleAt(sp.GetRequiredService<IConfiguration>()),
                output,
                error,
                token),
            error,
            ct));

        var list = Verb("list", "List the console's accounts.");
        list.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => UsersCommand.ListAsync(sp.GetRequiredService<Core.Accounts.IAccountStore>(), sp.GetRequiredService<IIncidentStore>(), sp.GetRequiredService<TimeProvider>(), output, token),
            error,
            ct, readsDatabase: true));

        var removeName = new Argument<string>("NAME") { Description = "the account to remove" };
        var remove = Verb("remove", "Remove a console account; its sessions end at once.");
        remove.Arguments.Add(removeName);
        remove.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => UsersCommand.RemoveAsync(parsed.GetValue(removeName)!, sp.GetRequiredService<Core.Accounts.IAccountStore>(), sp.GetRequiredService<IIncidentStore>(), sp.GetRequiredService<TimeProvider>(), output, error, token),
            error,
            ct, readsDatabase: true));

        var userId = new Argument<string>("USER_ID") { Description = "the user's id on the platform (a QQ number)" };
        var platform = new Option<string>("--platform") { Description = "the platform the id is of", DefaultValueFactory = _ => "qq" };
        var note = new Option<string?>("--note") { Description = "why, for the next reader" };
        var block = Verb("block", "Turn a user away from every group: their join requests are rejected (GroupGuard:Join:RejectBlocked).", platform, note);
        block.Arguments.Add(userId);
        block.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => UsersCommand.BlockAsync(
                parsed.GetValue(platform)!,
                parsed.GetValue(userId)!,
                parsed.GetValue(note),
                sp.GetRequiredService<Core.Members.IUserBlocks>(),
                sp.GetRequiredService<Core.Accounts.IAccountStore>(),
                sp.GetRequiredService<IIncidentStore>(),
                sp.GetRequiredService<TimeProvider>(),
                output,
                error,
                token),
            error,
            ct));

        var unblockId = new Argument<string>("USER_ID") { Description = "the user to take off the block list" };
        var unblock = Verb("unblock", "Take a user off the block list.", platform);
        unblock.Arguments.Add(unblockId);
        unblock.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => UsersCommand.UnblockAsync(
                parsed.GetValue(platform)!,
                parsed.GetValue(unblockId)!,
                sp.GetRequiredService<Core.Members.IUserBlocks>(),
                sp.GetRequiredService<Core.Accounts.IAccountStore>(),
                sp.GetRequiredService<IIncidentStore>(),
                sp.GetRequiredService<TimeProvider>(),
                output,
                error,
                token),
            error,
            ct, readsDatabase: true));

        var blocked = Verb("blocked", "List the users on the block list (kicked by GroupGuard, or blocked here).");
        blocked.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => UsersCommand.BlockedAsync(sp.GetRequiredService<Core.Members.IUserBlocks>(), sp.GetRequiredService<IIncidentStore>(), output, token),
            error,
            ct, readsDatabase: true));

        return new Command("users", "Accounts of the web console (/console, off until one exists), and the users turned away from every group.") { add, list, remove, block, unblock, blocked };
    }

    private static Command Images(TextWriter output, TextWriter error)
    {
        var id = IdArgument("INCIDENT_ID", IncidentId, "the incident whose picture to block (see incidents export)");
        var picture = new Option<int?>("--picture")
        {
            Description = "which of its message's pictures (1 first), when it kept several",
            HelpName = "N",
            CustomParser = result => (int?)Number(result, "--picture", "a picture's number, 1 for the first", int.MaxValue),
        };
        var note = new Option<string?>("--note") { Description = "why, for the next reader" };
        var block = Verb("block", "Block an incident's picture: copies of it (re-encoded, resized, lightly cropped) are flagged by images.blocked in every group.", picture, note);
        block.Arguments.Add(id);
        block.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => ImagesCommand.BlockAsync(
                parsed.GetValue(id),
                parsed.GetValue(picture),
                parsed.GetValue(note),
                sp.GetRequiredService<IIncidentStore>(),
                sp.GetRequiredService<Core.Images.IImageBlocks>(),
                sp.GetRequiredService<Core.Accounts.IAccountStore>(),
                sp.GetRequiredService<TimeProvider>(),
                output,
                error,
                token),
            error,
            ct, readsDatabase: true));

        var format = new Option<string>("--format") { Description = "text (one line each) or jsonl", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "jsonl");
        var list = Verb("list", "List the blocked pictures.", format);
        list.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => ImagesCommand.ListAsync(parsed.GetValue(format) == "jsonl", sp.GetRequiredService<IIncidentStore>(), sp.GetRequiredService<Core.Images.IImageBlocks>(), output, token),
            error,
            ct, readsDatabase: true));

        var blockId = IdArgument("BLOCK_ID", "a blocked picture's number, the # images list shows (such as 3)", "the # number images list shows");
        var unblock = Verb("unblock", "Take a picture off the block list.");
        unblock.Arguments.Add(blockId);
        unblock.SetAction((parsed, ct) => StorageVerb(
            parsed,
            (sp, token) => ImagesCommand.UnblockAsync(
                parsed.GetValue(blockId),
                sp.GetRequiredService<IIncidentStore>(),
                sp.GetRequiredService<Core.Images.IImageBlocks>(),
                sp.GetRequiredService<Core.Accounts.IAccountStore>(),
                sp.GetRequiredService<TimeProvider>(),
                output,
                error,
                token),
            error,
            ct, readsDatabase: true));

        return new Command("images", "The block list of known bad pictures.") { block, list, unblock };
    }

    private static Command Scan(TextWriter error, StandardStreams streams)
    {
        var folder = RulesOption();
        var explain = new Option<bool>("--explain") { Description = "also list, per line, what was found and did not count, and why (\"missed\")" };
        var group = new Option<string?>("--group") { Description = "scan as sent in this group: packs whose groups: leave it out do not apply, its allow list (allow-<id>.txt) does; without it every pack applies", HelpName = "ID" };
        var chat = new Option<bool>("--chat")
        {
            Description = "read a chat log, a time, a sender and the text a line (2026-12-01 20:15:03 <10001> text, or time<TAB>sender<TAB>text), "
                + "in time order, as the service reads a group's messages: flood and repeat rules count too; a report in Chinese out, "
                + "a line for each rule that fired and a summary per rule (with --explain, also the flood and repeat rules that came close)",
        };
        var scan = Verb("scan", "Try the rules on one message a line from standard input; one JSON verdict a line out (with --chat, a chat log in, a report out).", folder, explain, group, chat);
        scan.Validators.Add(result =>
        {
            if (result.GetValue(group) is { } id && !Core.Accounts.ConsoleAccount.IsValidGroupId(id))
            {
                result.AddError($"--group '{id}' is not a group id ({Core.Accounts.ConsoleAccount.GroupIdShape}, at most 64 characters)");
            }
        });
        scan.SetAction((parsed, ct) => VerbHost.RunAsync(
            Settings(parsed),
            (services, configuration) => services.AddGroupGuardCore(configuration).AddGroupGuardJieba(),
            (sp, token) => ScanCommand.RunAsync(
                RulesFolder(parsed.GetValue(folder), sp),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<Core.Text.IWordSegmenter>(),
                streams.Input,
                streams.Output,
                error,
                parsed.GetValue(explain),
                parsed.GetValue(group),
                token,
                parsed.GetValue(chat)),
            error,
            ct));
        return scan;
    }

    /// <summary>
    /// A verb that needs only the database: the service's storage settings, validated as at start.
    /// It creates the schema of a new database (<c>users add</c> before the first start) but never
    /// upgrades an older one: the service of the older version may still be running on it, and
    /// would refuse to start on it after; the service upgrades it at its start.
    /// </summary>
    private static Task<int> StorageVerb(ParseResult parsed, Func<IServiceProvider, CancellationToken, Task<int>> verb, TextWriter error, CancellationToken cancellationToken, bool readsDatabase = false) =>
        VerbHost.RunAsync(
            Settings(parsed),
            (services, configuration) => services.AddGroupGuardStorage(configuration, upgradeSchema: false),
            verb,
            error,
            cancellationToken,
            readsDatabase);

    /// <summary>A verb whose unmatched tokens are settings for its configuration.</summary>
    private static Command Verb(string name, string description, params Option[] options)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        return command;
    }

    private static Option<string?> RulesOption() =>
        new("--rules") { Description = "the rules folder (default: the service's GroupGuard:Rules:Path)", HelpName = "DIR" };

    /// <summary>The folder a rules verb works on: <c>--rules DIR</c>, else the service's setting.</summary>
    private static string RulesFolder(string? option, IServiceProvider services) =>
        option is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : services.GetRequiredService<IOptions<RulesOptions>>().Value.ResolvePath();

    /// <summary>What an incident's id is, for a usage error: the number the user has seen it under.</summary>
    private const string IncidentId = "an incident's id, the number incidents list, export and the console show (such as 42)";

    /// <summary>
    /// A database id argument, read by hand: the parser's own error names a .NET type
    /// (<c>expected type 'System.Int64'</c>), never the argument and what it must be.
    /// </summary>
    private static Argument<long> IdArgument(string name, string what, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Number(result, name, what, long.MaxValue),
    };

    /// <summary>
    /// A whole number from 1 to <paramref name="max"/> (a # before it, as answers and the console
    /// write ids, is let be), else a usage error naming <paramref name="name"/> and <paramref name="what"/> it must be.
    /// </summary>
    private static long Number(SymbolResult result, string name, string what, long max)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var digits = text.StartsWith('#') ? text[1..] : text;
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= max)
        {
            return number;
        }

        result.AddError($"{name} must be {what}, got '{text}'");
        return 0;
    }

    private static Option<DateTimeOffset?> TimeOption(string name, string description) => new(name)
    {
        Description = description + " (ISO-8601, e.g. 2026-11-01 or 2026-11-01T08:00:00+08:00)",
        HelpName = "TIME",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                if (TimeBounds.Holds(time))
                {
                    return time;
                }

                result.AddError($"{name} must be a time from {TimeBounds.FirstDayText} to {TimeBounds.LastDayText} (UTC), got '{text}'");
                return null;
            }

            result.AddError($"{name} must be an ISO-8601 time such as 2026-11-01 or 2026-11-01T08:00:00+08:00, got '{text}'");
            return null;
        },
    };

    private static List<string> Settings(ParseResult parsed) => ConfigurationArguments.Split(parsed.UnmatchedTokens).Settings;

    private static IEnumerable<string> CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult command && command.Parent is not null; r = r.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        return names;
    }
}
