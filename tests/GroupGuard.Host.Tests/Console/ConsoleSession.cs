using System.Net;
using System.Text.RegularExpressions;
using GroupGuard.Core.Accounts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests.Console;

/// <summary>
/// A browser's view of the console over HTTP: its cookies (session and antiforgery), the token
/// read from each form as a browser has it, and no automatic redirects, so each answer is seen.
/// </summary>
internal sealed partial class ConsoleSession(GroupGuardFactory service, string? acceptLanguage = null) : IDisposable
{
    public const string Password = "correct horse 2026";

    private readonly HttpClient _http = CreateClient(service, acceptLanguage);

    public HttpClient Http => _http;

    private static HttpClient CreateClient(GroupGuardFactory service, string? acceptLanguage)
    {
        var http = service.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (acceptLanguage is not null)
        {
            http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        return http;
    }

    /// <summary>Adds an account straight to the store (a cheap hash: the work factor travels in it).</summary>
    public static async Task AddAccountAsync(GroupGuardFactory service, string name, AccountRole role, params string[] groups)
    {
        _ = service.CreateClient(); // starts the service, which creates the schema
        var accounts = service.Services.GetRequiredService<IAccountStore>();
        Assert.True(await accounts.AddAsync(new ConsoleAccount(name, role, groups, PasswordHasher.Hash(Password, iterations: 1000), DateTimeOffset.UtcNow), CancellationToken.None));
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<string> PageAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Reads the form's antiforgery token from <paramref name="formPage"/>, as a browser would have it, and posts.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, IDictionary<string, string> fields, bool withToken = true)
    {
        var values = new Dictionary<string, string>(fields);
        if (withToken)
        {
            using var page = await GetAsync(formPage);
            var html = await page.Content.ReadAsStringAsync();
            values["__gg_token"] = TokenPattern().Match(html) is { Success: true } match
                ? WebUtility.HtmlDecode(match.Groups[1].Value)
                : throw new InvalidOperationException($"{formPage} has no antiforgery token ({(int)page.StatusCode}).");
        }

        return await _http.PostAsync(new Uri(action, UriKind.Relative), new FormUrlEncodedContent(values));
    }

    public Task<HttpResponseMessage> SignInAsync(string name, string password = Password) =>
        PostFormAsync("/console/login", "/console/login", new Dictionary<string, string> { ["name"] = name, ["password"] = password });

    /// <summary>The session cookie (<c>gg_session=…</c>) a sign-in's answer set, as someone who copied it would have it.</summary>
    public static string SessionCookieOf(HttpResponseMessage signedIn) =>
        signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gg_session=", StringComparison.Ordinal)).Split(';')[0];

    /// <summary>A client of its own that sends <paramref name="cookie"/> and nothing else, and keeps nothing it is sent.</summary>
    public static HttpClient WithCookie(GroupGuardFactory service, string cookie)
    {
        var http = service.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        return http;
    }

    /// <summary>The path of a redirect's target, whether the server wrote it absolute or relative.</summary>
    public static string PathOf(Uri? location) =>
        location is null ? "" : (location.IsAbsoluteUri ? location : new Uri(new Uri("http://localhost"), location)).AbsolutePath;

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__gg_token\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
