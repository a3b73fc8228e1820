using System.Net;
using System.Text.Json;
using GroupGuard.Core.Accounts;
using GroupGuard.Host.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Console;

/// <summary>Who may enter the console: nobody before an account exists, then only with the right password, a few tries at a time.</summary>
public sealed class ConsoleAccessTests
{
    [Fact]
    public async Task The_console_is_404_until_an_account_exists_and_then_asks_for_a_sign_in()
    {
        using var service = new GroupGuardFactory();
        using var browser = new ConsoleSession(service);

        foreach (var path in new[] { "/console", "/console/login", "/console/incidents", "/console/assets/console.css" })
        {
            using var off = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
        }

        Assert.Equal("off", await ConsoleStateAsync(browser));

        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var on = await browser.GetAsync("/console/incidents");

        Assert.Equal(HttpStatusCode.Redirect, on.StatusCode);
        Assert.Equal("/console/login", ConsoleSession.PathOf(on.Headers.Location));
        Assert.Equal("on", await ConsoleStateAsync(browser));
    }

    [Fact]
    public async Task Users_add_from_the_command_line_stores_a_salted_hash_and_that_password_signs_in()
    {
        using var service = new GroupGuardFactory();
        using var browser = new ConsoleSession(service);
        _ = service.CreateClient();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await Cli.GroupGuardCommandLine.InvokeAsync(
            ["users", "add", "王主管", "--role", "leader", "--groups", "123456,654321", $"--GroupGuard:Storage:ConnectionString=Data Source={service.DatabasePath}"],
            output,
            error,
            CancellationToken.None,
            new StringReader("a long leader password\n"));
        var stored = await service.Services.GetRequiredService<IAccountStore>().FindAsync("王主管", CancellationToken.None);
        using var signedIn = await browser.SignInAsync("王主管", "a long leader password");

        Assert.True(exit == 0, error.ToString());
        Assert.Contains("leader of 123456, 654321", output.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("; the console is at http://127.0.0.1:5140/console" + Environment.NewLine, output.ToString(), StringComparison.Ordinal); // not a bare /console
        Assert.NotNull(stored);
        Assert.StartsWith($"pbkdf2-sha256${PasswordHasher.DefaultIterations}$", stored.PasswordHash, StringComparison.Ordinal);
        Assert.DoesNotContain("leader password", stored.PasswordHash, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/console", signedIn.Headers.Location!.OriginalString);
    }

    /// <summary>
    /// <c>users add</c> said the console is at <c>/console</c>, with no host: it names it as a browser
    /// opens it, from the settings the service listens by (and its PublicUrl first when set).
    /// </summary>
    [Theory]
    [InlineData(null, null, "http://127.0.0.1:5140/console")]
    [InlineData("http://0.0.0.0:8080", null, "http://127.0.0.1:8080/console")]
    [InlineData("http://192.168.1.20:5140;http://localhost:5141", null, "http://localhost:5141/console or http://192.168.1.20:5140/console")]
    [InlineData("http://[::]:9000", "https://guard.example.org/", "https://guard.example.org/console or http://127.0.0.1:9000/console")]
    [InlineData("http://unix:/run/groupguard.sock", null, "/console on http://unix:/run/groupguard.sock")]
    public void Users_add_names_the_console_by_the_address_it_is_reached_at(string? urls, string? publicUrl, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = urls,
            ["GroupGuard:Console:PublicUrl"] = publicUrl,
        }).Build();

        Assert.Equal(expected, Cli.UsersCommand.ConsoleAt(configuration));
    }

    [Theory]
    [InlineData("short", "at least 8")]
    [InlineData("", "no password")]
    public async Task Users_add_refuses_a_weak_or_missing_password(string typed, string reason)
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        using var error = new StringWriter();

        var exit = await Cli.GroupGuardCommandLine.InvokeAsync(
            ["users", "add", "admin", "--role", "admin", $"--GroupGuard:Storage:ConnectionString=Data Source={service.DatabasePath}"],
            TextWriter.Null,
            error,
            CancellationToken.None,
            new StringReader(typed.Length == 0 ? "" : typed + "\n"));

        Assert.Equal(2, exit);
        Assert.Contains(reason, error.ToString(), StringComparison.Ordinal);
        Assert.False(await service.Services.GetRequiredService<IAccountStore>().AnyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Users_list_and_remove_from_the_command_line_show_and_end_accounts_and_name_what_is_wrong()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        var database = $"--GroupGuard:Storage:ConnectionString=Data Source={service.DatabasePath}";

        async Task<(int Exit, string Output, string Error)> Run(string input, params string[] args)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await Cli.GroupGuardCommandLine.InvokeAsync([.. args, database], output, error, CancellationToken.None, new StringReader(input));
            return (exit, output.ToString(), error.ToString());
        }

        var leaderWithoutGroups = await Run("a long leader password\n", "users", "add", "组长", "--role", "leader");
        var adminWithGroups = await Run("a long admin password\n", "users", "add", "second", "--role", "admin", "--groups", "123456");
        var added = await Run("a long leader password\n", "users", "add", "组长", "--role", "leader", "--groups", "111111");
        var again = await Run("a long leader password\n", "users", "add", "组长", "--role", "leader", "--groups", "222222");
        var listed = await Run("", "users", "list");
        var removed = await Run("", "users", "remove", "组长");
        var removedAgain = await Run("", "users", "remove", "组长");
        var listedAfter = await Run("", "users", "list");

        Assert.Equal(2, leaderWithoutGroups.Exit);
        Assert.Contains("a leader needs --groups", leaderWithoutGroups.Error, StringComparison.Ordinal);
        Assert.Equal(2, adminWithGroups.Exit);
        Assert.Contains("an admin sees every group", adminWithGroups.Error, StringComparison.Ordinal);
        Assert.Equal(0, added.Exit);
        Assert.Equal(1, again.Exit);
        Assert.Contains("there is already an account named '组长'", again.Error, StringComparison.Ordinal);
        Assert.Equal(0, listed.Exit);
        Assert.Equal(["admin (admin)", "组长 (leader of 111111)"], listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
        Assert.Equal(0, removed.Exit);
        Assert.Contains("removed 组长", removed.Output, StringComparison.Ordinal);
        Assert.Equal(1, removedAgain.Exit);
        Assert.Contains("there is no account named '组长'", removedAgain.Error, StringComparison.Ordinal);
        Assert.Equal("admin (admin)", listedAfter.Output.Trim());
        Assert.Null(await service.Services.GetRequiredService<IAccountStore>().FindAsync("组长", CancellationToken.None));
    }

    /// <summary>The service with its sign-in's lockouts on <paramref name="clock"/>.</summary>
    private static GroupGuardFactory OnClock(FakeTimeProvider clock, Dictionary<string, string?>? settings = null) =>
        new(settings, services: s => s.Replace(ServiceDescriptor.Singleton(sp =>
            new SignIn(sp.GetRequiredService<IAccountStore>(), sp.GetRequiredService<IOptionsMonitor<ConsoleOptions>>(), clock))));

    [Fact]
    public async Task Five_wrong_passwords_in_fifteen_minutes_lock_the_account_even_against_the_right_one()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var service = OnClock(clock);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await browser.SignInAsync("admin", "not the password " + i);
            answers.Add(wrong.StatusCode);
            clock.Advance(TimeSpan.FromMinutes(2));
        }

        using var rightButLocked = await browser.SignInAsync("admin");
        clock.Advance(TimeSpan.FromMinutes(16));
        using var later = await browser.SignInAsync("admin");
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 20, CancellationToken.None);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, (HttpStatusCode)429], answers);
        Assert.Equal((HttpStatusCode)429, rightButLocked.StatusCode);
        Assert.Contains("锁定", await rightButLocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, later.StatusCode);
        Assert.Equal(["login", "login_refused_locked", "login_failed_locked", "login_failed", "login_failed", "login_failed", "login_failed"], audit.Select(a => a.Action));
        Assert.DoesNotContain(audit, a => (a.Detail ?? "").Contains("not the password", StringComparison.Ordinal));
    }

    /// <summary>
    /// A made-up name answers as an account does: five wrong passwords lock it for fifteen
    /// minutes, with the same 429 and words, so the answers do not tell which names exist.
    /// </summary>
    [Fact]
    public async Task Five_wrong_passwords_lock_a_made_up_name_as_they_lock_an_account()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var service = OnClock(clock, new() { ["GroupGuard:Console:SignInAttemptsPerMinute"] = "1000" });
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        async Task<(List<HttpStatusCode> Answers, string Words)> TryAsync(string name)
        {
            var answers = new List<HttpStatusCode>();
            var words = "";
            for (var i = 0; i < 7; i++)
            {
                using var wrong = await browser.SignInAsync(name, "not the password " + i);
                answers.Add(wrong.StatusCode);
                words = System.Text.RegularExpressions.Regex.Match(await wrong.Content.ReadAsStringAsync(), "class=\"error\"[^>]*>([^<]*)<").Groups[1].Value;
            }

            return (answers, words);
        }

        var account = await TryAsync("admin");
        var madeUp = await TryAsync("nobody-here");
        clock.Advance(TimeSpan.FromMinutes(16));
        using var accountLater = await browser.SignInAsync("admin", "still wrong");
        using var madeUpLater = await browser.SignInAsync("nobody-here", "still wrong");
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 30, CancellationToken.None);

        HttpStatusCode[] expected = [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, (HttpStatusCode)429, (HttpStatusCode)429, (HttpStatusCode)429];
        Assert.Equal(expected, account.Answers);
        Assert.Equal(expected, madeUp.Answers);
        Assert.NotEqual("", madeUp.Words);
        Assert.Equal(account.Words, madeUp.Words);
        Assert.Equal(HttpStatusCode.Unauthorized, accountLater.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, madeUpLater.StatusCode);
        Assert.Equal(["login_failed", "login_refused_locked", "login_refused_locked", "login_failed_locked", "login_failed", "login_failed", "login_failed", "login_failed"], audit.Where(a => a.Actor == "nobody-here").Select(a => a.Action));
        Assert.Equal(audit.Where(a => a.Actor == "admin").Select(a => a.Action), audit.Where(a => a.Actor == "nobody-here").Select(a => a.Action));
    }

    /// <summary>
    /// Passwords are checked one at a time over every address, with at most 16 sign-ins waiting
    /// (here each from an address of its own, as from thousands of them):
    /// past them a sign-in is refused at once (503, Retry-After), so sign-ins from thousands of
    /// addresses, each within its own allowance, cannot take the processors from moderation. The
    /// ones that waited are answered once the check before them is done.
    /// </summary>
    [Fact]
    public async Task Past_sixteen_sign_ins_waiting_for_a_password_check_the_next_is_refused_at_once()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        var signIn = service.Services.GetRequiredService<SignIn>();

        // Names of turns of their own (attempts at one name take turns before the check), none admin's.
        var names = Enumerable.Range(0, 10_000).Select(n => $"visitor{n}")
            .Where(n => SignIn.TurnOf(n) != SignIn.TurnOf("admin"))
            .DistinctBy(SignIn.TurnOf)
            .Take(SignIn.MaxWaitingChecks + 1)
            .ToList();
        await signIn.PasswordChecks.WaitAsync(); // a check under way
        var waiting = names.Take(SignIn.MaxWaitingChecks).Select((n, i) => Task.Run(() => signIn.TryAsync(n, "guess", $"203.0.113.{i + 1}", CancellationToken.None))).ToList();
        Assert.True(SpinWait.SpinUntil(() => signIn.WaitingChecks == SignIn.MaxWaitingChecks, Patience.Safety), "the sixteen to wait for the check");

        var refused = await signIn.TryAsync(names[^1], "guess", "203.0.113.99", CancellationToken.None).Within("the sign-in past the bound");
        using var page = await browser.SignInAsync("admin");
        signIn.PasswordChecks.Release();
        var answered = await Task.WhenAll(waiting).Within("the waiting sign-ins");
        using var after = await browser.SignInAsync("admin");

        Assert.Equal(SignInOutcome.Busy, refused.Outcome);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal("5", page.Headers.RetryAfter?.ToString());
        Assert.Contains("控制台正忙", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(answered, a => Assert.Equal(SignInOutcome.WrongNameOrPassword, a.Outcome));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    /// <summary>
    /// Wrong passwords sent side by side from one address take at most its share of the places to
    /// wait for a password check; the rest are refused at once, and the administrator signing in
    /// from another address meanwhile waits their turn and gets in, where before the flood filled
    /// every place and the administrator was answered 503.
    /// </summary>
    [Fact]
    public async Task A_flood_of_wrong_passwords_from_one_address_does_not_keep_an_administrator_at_another_out()
    {
        using var service = LimitedService(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero)), perMinute: 1000);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var admin = new ConsoleSession(service);
        admin.Http.DefaultRequestHeaders.Add(RemoteAddressFromHeader.Header, "198.51.100.7");
        var signIn = service.Services.GetRequiredService<SignIn>();
        var names = Enumerable.Range(0, 10_000).Select(n => $"visitor{n}")
            .Where(n => SignIn.TurnOf(n) != SignIn.TurnOf("admin"))
            .DistinctBy(SignIn.TurnOf)
            .Take(SignIn.MaxWaitingChecks)
            .ToList();

        await signIn.PasswordChecks.WaitAsync(); // a check under way
        var flood = names.Select(n => Task.Run(() => signIn.TryAsync(n, "guess", "203.0.113.9", CancellationToken.None))).ToList();
        Assert.True(SpinWait.SpinUntil(() => flood.Count(t => t.IsCompleted) + signIn.WaitingChecks == SignIn.MaxWaitingChecks, Patience.Safety), "each of the flood waiting or refused");
        var page = admin.SignInAsync("admin");
        Assert.True(SpinWait.SpinUntil(() => signIn.WaitingChecks == SignIn.MaxWaitingChecksPerClient + 1 || page.IsCompleted, Patience.Safety), "the administrator waiting for a check");
        signIn.PasswordChecks.Release();
        using var signedIn = await page.Within("the administrator's sign-in");
        var outcomes = await Task.WhenAll(flood).Within("the flood");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(SignIn.MaxWaitingChecks - SignIn.MaxWaitingChecksPerClient, outcomes.Count(o => o.Outcome == SignInOutcome.Busy));
        Assert.Equal(SignIn.MaxWaitingChecksPerClient, outcomes.Count(o => o.Outcome == SignInOutcome.WrongNameOrPassword));
    }

    [Fact]
    public async Task Failures_spread_wider_than_the_window_never_lock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var service = OnClock(clock);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);

        for (var i = 0; i < 8; i++)
        {
            using var wrong = await browser.SignInAsync("admin", "typo " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            clock.Advance(TimeSpan.FromMinutes(4)); // four in any 15 minutes
        }

        using var right = await browser.SignInAsync("admin");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
    }

    [Fact]
    public async Task Sign_ins_refused_while_an_account_is_locked_make_one_audit_entry_a_minute_that_counts_them()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var service = OnClock(clock, new() { ["GroupGuard:Console:SignInAttemptsPerMinute"] = "1000" });
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        async Task TryAsync(int times, string password)
        {
            for (var i = 0; i < times; i++)
            {
                using var answer = await browser.SignInAsync("admin", password);
                Assert.NotEqual(HttpStatusCode.Redirect, answer.StatusCode);
            }
        }

        await TryAsync(5, "not the password"); // locked until 09:15
        await TryAsync(40, "not the password");
        clock.Advance(TimeSpan.FromMinutes(1));
        await TryAsync(1, ConsoleSession.Password);
        await TryAsync(3, "not the password");
        clock.Advance(TimeSpan.FromMinutes(15));
        using var after = await browser.SignInAsync("admin");
        var audit = (await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 100, CancellationToken.None)).Reverse().ToList();

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal(["login_failed", "login_failed", "login_failed", "login_failed", "login_failed_locked", "login_refused_locked", "login_refused_locked", "login_refused_locked", "login"], audit.Select(a => a.Action));
        var refused = audit.Where(a => a.Action == "login_refused_locked").Select(a => a.Detail).ToList();
        Assert.Equal(
            ["locked until 2026-12-01 09:15:00Z", "locked until 2026-12-01 09:15:00Z; 40 refused since 2026-12-01 09:00:00Z", "locked until 2026-12-01 09:15:00Z; 3 refused since 2026-12-01 09:01:00Z"],
            refused);
    }

    [Fact]
    public async Task Sign_in_attempts_past_the_limit_from_one_address_are_a_429_with_retry_after_and_another_address_is_not_held_back()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var service = LimitedService(clock, perMinute: 3);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var flooding = new ConsoleSession(service);
        using var elsewhere = new ConsoleSession(service);
        flooding.Http.DefaultRequestHeaders.Add(RemoteAddressFromHeader.Header, "203.0.113.5");
        elsewhere.Http.DefaultRequestHeaders.Add(RemoteAddressFromHeader.Header, "198.51.100.7");

        var answers = new List<HttpStatusCode>();
        foreach (var name in new[] { "admin", "nobody", "made-up" })
        {
            using var wrong = await flooding.SignInAsync(name, "not the password");
            answers.Add(wrong.StatusCode);
        }

        using var limited = await flooding.SignInAsync("admin");
        var page = await limited.Content.ReadAsStringAsync();
        using var other = await elsewhere.SignInAsync("admin");
        clock.Advance(TimeSpan.FromMinutes(1));
        using var aMinuteLater = await flooding.SignInAsync("admin");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], answers);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter?.Delta);
        Assert.Contains("此地址的登录尝试过多，请 60 秒后再试。", System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Empty(limited.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.Where(c => c.StartsWith("gg_session", StringComparison.Ordinal)) : []);
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, aMinuteLater.StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_sign_in_attempts_are_counted_by_the_address_it_forwards()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var service = LimitedService(clock, perMinute: 2, trustedProxy: "127.0.0.1");
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var flooding = new ConsoleSession(service);
        using var admin = new ConsoleSession(service);
        using var forging = new ConsoleSession(service);
        foreach (var (session, peer, forwarded) in new[] { (flooding, "127.0.0.1", "203.0.113.5"), (admin, "127.0.0.1", "198.51.100.7"), (forging, "192.0.2.9", "203.0.113.5") })
        {
            session.Http.DefaultRequestHeaders.Add(RemoteAddressFromHeader.Header, peer); // 127.0.0.1: nginx on this machine
            session.Http.DefaultRequestHeaders.Add("X-Forwarded-For", forwarded);
        }

        using var first = await flooding.SignInAsync("admin", "wrong");
        using var second = await flooding.SignInAsync("admin", "wrong");
        using var limited = await flooding.SignInAsync("admin", "wrong");
        using var signedIn = await admin.SignInAsync("admin");
        using var direct = await forging.SignInAsync("admin"); // not through the proxy: its header is not taken

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode); // another client behind the same proxy is not held back
        Assert.Equal(HttpStatusCode.Redirect, direct.StatusCode);
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None);
        Assert.Contains(audit, a => a.Action == "login_failed" && a.Remote == "203.0.113.5");
    }

    /// <summary>
    /// With no proxy configured, nobody's X-Forwarded-For is believed, not even from this machine:
    /// a local process naming a new address at each try is still one client, held to the limit,
    /// and the audit log has the address it connected from, not the ones it made up.
    /// </summary>
    [Fact]
    public async Task Without_a_trusted_proxy_a_forwarded_address_changed_at_each_try_neither_escapes_the_limit_nor_reaches_the_audit()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        using var service = LimitedService(clock, perMinute: 10);
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var local = new ConsoleSession(service);
        local.Http.DefaultRequestHeaders.Add(RemoteAddressFromHeader.Header, "127.0.0.1");

        // A name of its own each time, so no name's lockout answers before the address's limit.
        var answers = new List<HttpStatusCode>();
        var words = "";
        for (var i = 1; i <= 11; i++)
        {
            local.Http.DefaultRequestHeaders.Remove("X-Forwarded-For");
            local.Http.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i}");
            using var wrong = await local.SignInAsync("visitor" + i, "not the password");
            answers.Add(wrong.StatusCode);
            words = System.Net.WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync());
        }

        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 20, CancellationToken.None);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 10), HttpStatusCode.TooManyRequests], answers);
        Assert.Contains("此地址的登录尝试过多", words, StringComparison.Ordinal);
        Assert.Equal(10, audit.Count(a => a.Action == "login_failed"));
        Assert.All(audit, a => Assert.Equal("127.0.0.1", a.Remote));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_console_actions_are_audited_with_the_address_it_forwards()
    {
        using var service = LimitedService(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero)), perMinute: 10, trustedProxy: "::1");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(43, "周末团购，有意加微信"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        browser.Http.DefaultRequestHeaders.Add(RemoteAddressFromHeader.Header, "::1"); // nginx on this machine
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.7");
        using var signedIn = await browser.SignInAsync("admin");

        using var marked = await browser.PostFormAsync(
            $"/console/incidents/{incident.Id}",
            $"/console/incidents/{incident.Id}?handler=Mark",
            new Dictionary<string, string> { ["falsePositive"] = "true" });
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 10, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Redirect, marked.StatusCode);
        Assert.Equal("198.51.100.7", Assert.Single(audit, a => a.Action == "mark_false_positive").Remote);
    }

    [Fact]
    public async Task A_sign_in_without_the_antiforgery_token_is_refused()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);

        using var response = await browser.PostFormAsync("/console/login", "/console/login", new Dictionary<string, string> { ["name"] = "admin", ["password"] = ConsoleSession.Password }, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.Where(c => c.StartsWith("gg_session", StringComparison.Ordinal)) : []);
    }

    [Fact]
    public async Task Pages_carry_security_headers_and_the_session_cookie_is_http_only_and_same_site()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);

        using var login = await browser.GetAsync("/console/login");
        using var signedIn = await browser.SignInAsync("admin");
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gg_session=", StringComparison.Ordinal));

        var csp = login.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", login.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/console", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_removed_account_is_signed_out_at_its_next_request()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "second", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("second");
        await browser.PageAsync("/console");

        await service.Services.GetRequiredService<IAccountStore>().RemoveAsync("second", CancellationToken.None);
        using var after = await browser.GetAsync("/console");

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/console/login", ConsoleSession.PathOf(after.Headers.Location));
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_so_a_copy_of_its_cookie_is_refused_and_the_account_s_other_sessions_end()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "second", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var otherBrowser = new ConsoleSession(service);
        using var someoneElse = new ConsoleSession(service);
        using var signedIn = await browser.SignInAsync("admin");
        using var __ = await otherBrowser.SignInAsync("admin");
        using var ___ = await someoneElse.SignInAsync("second");
        using var copy = ConsoleSession.WithCookie(service, ConsoleSession.SessionCookieOf(signedIn));
        using var copyBefore = await copy.GetAsync(new Uri("/console", UriKind.Relative));

        using var signedOut = await browser.PostFormAsync("/console", "/console/logout", new Dictionary<string, string>());
        using var copyAfter = await copy.GetAsync(new Uri("/console", UriKind.Relative));
        using var otherAfter = await otherBrowser.GetAsync("/console");
        using var someoneElseAfter = await someoneElse.GetAsync("/console");

        Assert.Equal(HttpStatusCode.OK, copyBefore.StatusCode);
        Assert.Equal("/console/login", ConsoleSession.PathOf(signedOut.Headers.Location));
        Assert.Equal(HttpStatusCode.Redirect, copyAfter.StatusCode);
        Assert.Equal("/console/login", ConsoleSession.PathOf(copyAfter.Headers.Location));
        Assert.Equal("/console/login", ConsoleSession.PathOf(otherAfter.Headers.Location));
        Assert.Equal(HttpStatusCode.OK, someoneElseAfter.StatusCode);
    }

    [Fact]
    public async Task An_account_removed_and_added_again_does_not_get_its_old_sessions_back()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "lead1", AccountRole.Leader, "111111");
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("lead1");
        await browser.PageAsync("/console");
        var accounts = service.Services.GetRequiredService<IAccountStore>();

        Assert.True(await accounts.RemoveAsync("lead1", CancellationToken.None));
        await ConsoleSession.AddAccountAsync(service, "lead1", AccountRole.Leader, "222222"); // the same password, other groups
        using var after = await browser.GetAsync("/console/incidents?group=222222");
        using var again = await browser.SignInAsync("lead1");

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/console/login", ConsoleSession.PathOf(after.Headers.Location));
        Assert.Equal("/console", ConsoleSession.PathOf(again.Headers.Location));
    }

    [Fact]
    public async Task A_session_ends_when_the_account_s_password_hash_changes()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var _ = await browser.SignInAsync("admin");
        await browser.PageAsync("/console");

        // There is no password change in the console or the command line yet; an operator's edit of the database is one.
        using (var database = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={service.DatabasePath};Pooling=False"))
        {
            database.Open();
            using var update = database.CreateCommand();
            update.CommandText = "UPDATE console_accounts SET password_hash = $hash WHERE name = 'admin'";
            update.Parameters.AddWithValue("$hash", PasswordHasher.Hash("another password 2026", iterations: 1000));
            Assert.Equal(1, update.ExecuteNonQuery());
        }

        using var after = await browser.GetAsync("/console");

        Assert.Equal("/console/login", ConsoleSession.PathOf(after.Headers.Location));
    }

    [Theory]
    [InlineData(65, 10)]
    [InlineData(5, 257)]
    public async Task An_overlong_name_or_password_is_a_400(int nameLength, int passwordLength)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);

        using var response = await browser.SignInAsync(new string('a', nameLength), new string('p', passwordLength));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>
    /// A NUL in the name or the password (a form ASP.NET Core's own reader refuses, an empty 400) is
    /// a 400 on the sign-in page, told as an overlong name or password is; and the right password with
    /// a NUL after it does not sign in (PBKDF2's HMAC pads its key with NULs: the hashes are the same).
    /// </summary>
    [Theory]
    [InlineData("admin\0", ConsoleSession.Password)]
    [InlineData("admin", ConsoleSession.Password + "\0")]
    public async Task A_nul_in_the_name_or_password_is_a_wrong_name_or_password_on_the_sign_in_page(string name, string password)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);

        using var response = await browser.SignInAsync(name, password);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("用户名或密码错误。", page, StringComparison.Ordinal);
        Assert.Contains("<form", page, StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("gg_session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_return_address_outside_the_console_is_not_followed()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);

        using var response = await browser.PostFormAsync(
            "/console/login",
            "/console/login?returnUrl=%2F%2Fevil.example%2Fconsole",
            new Dictionary<string, string> { ["name"] = "admin", ["password"] = ConsoleSession.Password });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Signing_in_from_a_digest_s_link_to_an_incident_lands_on_that_incident()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "王主任", AccountRole.Leader, "123456");
        await service.PostV11Async(GroupGuardFactory.GroupEvent(801, "加微信领资料"));
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        using var browser = new ConsoleSession(service);
        var page = $"/console/incidents/{incident.Id}";

        // The link opened without a session: the sign-in page, which remembers the page asked for.
        using var asked = await browser.GetAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Equal("/console/login", ConsoleSession.PathOf(asked.Headers.Location));
        var login = asked.Headers.Location!.IsAbsoluteUri ? asked.Headers.Location.PathAndQuery : asked.Headers.Location.OriginalString;
        var form = await browser.PageAsync(login);
        var action = System.Text.RegularExpressions.Regex.Match(form, "<form method=\"post\" action=\"([^\"]+)\"").Groups[1].Value;

        using var signedIn = await browser.PostFormAsync(login, action, new Dictionary<string, string> { ["name"] = "王主任", ["password"] = ConsoleSession.Password });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(page, signedIn.Headers.Location!.OriginalString);
        Assert.Contains("加微信领资料", await browser.PageAsync(page), StringComparison.Ordinal); // the whole text the digest masks
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("https://evil.example/console/incidents/1")]
    [InlineData("/\\evil.example/console/")]
    [InlineData("/console/../..//evil.example")]
    [InlineData("/console/%2e%2e/%2E%2E/%2Fevil.example")]
    [InlineData("/consoles")]
    [InlineData("javascript:alert(1)")]
    public async Task A_return_path_that_is_not_a_console_page_of_this_site_lands_on_the_console_s_home(string returnUrl)
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);

        using var response = await browser.PostFormAsync(
            "/console/login",
            "/console/login?returnUrl=" + Uri.EscapeDataString(returnUrl),
            new Dictionary<string, string> { ["name"] = "admin", ["password"] = ConsoleSession.Password });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location!.OriginalString);
    }

    /// <summary>
    /// The service with sign-ins limited to <paramref name="perMinute"/> an address on <paramref name="clock"/>, each
    /// request from the address its <see cref="RemoteAddressFromHeader.Header"/> names, and the proxy at
    /// <paramref name="trustedProxy"/> (if any) believed about its clients.
    /// </summary>
    private static GroupGuardFactory LimitedService(FakeTimeProvider clock, int perMinute, string? trustedProxy = null) => new(
        trustedProxy is null
            ? new Dictionary<string, string?> { ["GroupGuard:Console:SignInAttemptsPerMinute"] = perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : new Dictionary<string, string?> { ["GroupGuard:Console:SignInAttemptsPerMinute"] = perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture), ["GroupGuard:Console:TrustedProxies:0"] = trustedProxy },
        services: s =>
        {
            s.Replace(ServiceDescriptor.Singleton(sp => new SignInLimiter(
                sp.GetRequiredService<IOptionsMonitor<ConsoleOptions>>(), clock, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SignInLimiter>>())));
            s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, RemoteAddressFromHeader>();
        });

    /// <summary>Gives each request the client address its <see cref="Header"/> names (the test server has none of its own).</summary>
    private sealed class RemoteAddressFromHeader : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public const string Header = "X-Test-Remote-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                if (System.Net.IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return then(context);
            });
            next(app);
        };
    }

    private static async Task<string> ConsoleStateAsync(ConsoleSession browser)
    {
        using var health = await browser.GetAsync("/healthz");
        using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("console").GetProperty("state").GetString()!;
    }
}
