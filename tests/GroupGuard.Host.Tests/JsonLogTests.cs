using System.Net;
using System.Text;
using System.Text.Json;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Logs for a log shipper: with Logging:Console:FormatterName=json every line is one JSON object,
/// and the chat text of a message, flagged or not, is in none of them (ids, rules and actions are).
/// </summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task Json_logs_are_one_object_a_line_and_never_hold_the_message_text()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment["Logging__Console__FormatterName"] = "json";
        using var http = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };
        using var process = GroupGuardProcess.Start(service.Folder, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        const string Flagged = "加微信领资料，名额有限七七八八";
        const string Ordinary = "明天下午三点家长会，请准时参加九九十十";
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, process);
            foreach (var (id, text) in new[] { (801L, Flagged), (802L, Ordinary) })
            {
                var body = GroupGuardFactory.GroupEvent(id, text, time: DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                using var request = new HttpRequestMessage(HttpMethod.Post, "/onebot/v11") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-Signature", GroupGuardFactory.Sign(body));
                Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(request)).StatusCode);
            }

            await GroupGuardProcess.WaitProcessedAsync(http, process, 2);

            // Stopped as a service manager stops it, so what it logged is all written out. The
            // console logger writes from a queue of its own: after a kill -9 the incident's line
            // could still be in it, or the last line cut off half-way (and not JSON).
            await GroupGuardProcess.StopAsync(process);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        var lines = (await stdout + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList(); // each line is JSON
        Assert.All(entries, e => Assert.True(e.TryGetProperty("LogLevel", out _), e.ToString()));

        // Each line says when, in UTC (a shipper that reads the file later has no other time).
        Assert.All(entries, e => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", e.GetProperty("Timestamp").GetString()!));
        Assert.Contains(entries, e => e.GetProperty("Message").GetString()!.Contains("801", StringComparison.Ordinal)); // the incident, by id
        var all = string.Join('\n', lines);
        Assert.DoesNotContain("七七八八", all, StringComparison.Ordinal);
        Assert.DoesNotContain("九九十十", all, StringComparison.Ordinal);
        Assert.DoesNotContain(GroupGuardFactory.Secret, all, StringComparison.Ordinal);
    }
}
