using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests;

public sealed class StartupAndHealthTests
{
    [Fact]
    public async Task Health_answers_503_when_the_database_becomes_unusable()
    {
        using var service = new GroupGuardFactory();
        var client = service.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(service.DatabasePath)!))
        {
            File.Delete(file);
        }

        Directory.CreateDirectory(service.DatabasePath); // a folder where the database file was
        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("unusable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GroupGuard:OneBot:ApiBaseUrl", "not a url")]
    [InlineData("GroupGuard:Storage:ConnectionString", "")]
    [InlineData("GroupGuard:Pipeline:QueueCapacity", "0")]
    public void An_invalid_setting_stops_the_start_and_names_the_key(string key, string value)
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { [key] = value });

        var error = Record.Exception(() => service.CreateClient());

        Assert.NotNull(error);
        var failures = error is AggregateException aggregate
            ? aggregate.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures)
            : ((OptionsValidationException)error).Failures;
        Assert.Contains(failures, f => f.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void A_broken_rule_pack_stops_the_start_with_its_path_and_line()
    {
        using var service = new GroupGuardFactory();
        File.WriteAllText(Path.Combine(service.Folder, "rules", "broken.yaml"), "pack: broken\nrules:\n  - id: b.one\n    severity: extreme\n    terms: [x]\n");

        var error = Record.Exception(() => service.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("broken.yaml:4:", error.ToString(), StringComparison.Ordinal);
    }
}
