using GroupGuard.WeCom.Archive;
using Microsoft.Extensions.Configuration;

namespace GroupGuard.Host.Tests;

/// <summary>The chat archive's settings: the deploy/ example as written, and each mistake named.</summary>
public sealed class WeComArchiveSettingsTests
{
    private static WeComArchiveOptions Example() =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "deploy", "wecom-archive.example.json"))
            .Build()
            .GetSection(WeComArchiveOptions.Section)
            .Get<WeComArchiveOptions>()!;

    [Fact]
    public void The_deploy_example_is_valid_once_its_sdk_and_key_files_are_there()
    {
        using var folder = new TempFolder();
        var example = Example();
        var sdk = folder.Write("libWeWorkFinanceSdk_C.so", "not loaded here");
        var key = folder.Write("archive-v1.pem", "checked when the key is loaded, not here");

        var asWritten = new WeComArchiveOptionsValidator().Validate(null, example);
        example.SdkPath = sdk;
        example.PrivateKeys["1"] = key;
        var withFiles = new WeComArchiveOptionsValidator().Validate(null, example);

        Assert.True(example.Enabled);
        Assert.Equal((10, 500), (example.PollSeconds, example.BatchSize));
        // On a machine without the operator's files only those are missing, each by its setting.
        Assert.Equal(
            ["GroupGuard:WeCom:Archive:SdkPath '/opt/wecom/libWeWorkFinanceSdk_C.so' does not exist", "GroupGuard:WeCom:Archive:PrivateKeys:1 '/etc/groupguard/archive-v1.pem' does not exist"],
            asWritten.Failures);
        Assert.True(withFiles.Succeeded, withFiles.FailureMessage);
    }

    [Fact]
    public void Every_mistake_names_its_setting()
    {
        var options = new WeComArchiveOptions
        {
            CorpId = "ww 12",
            PrivateKeys = new() { ["v1"] = "/nowhere.pem" },
            PollSeconds = 0,
            BatchSize = 1001,
            TimeoutSeconds = 0,
            Proxy = "not a url",
        };

        var failures = new WeComArchiveOptionsValidator().Validate(null, options).Failures!.ToList();

        foreach (var setting in new[] { "CorpId", "Secret", "SdkPath", "PrivateKeys:v1", "PollSeconds", "BatchSize", "TimeoutSeconds", "Proxy" })
        {
            Assert.Contains(failures, f => f.StartsWith("GroupGuard:WeCom:Archive:" + setting, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Secret")]
    [InlineData("ProxyPassword")]
    [InlineData("Proxy")]
    public void A_value_the_sdk_takes_as_a_c_string_may_not_hold_a_control_character(string setting)
    {
        var options = new WeComArchiveOptions { CorpId = "ww0123", Secret = "s3cret", Proxy = "http://10.0.0.1:3128", ProxyPassword = "user:pw" };
        typeof(WeComArchiveOptions).GetProperty(setting)!.SetValue(options, typeof(WeComArchiveOptions).GetProperty(setting)!.GetValue(options) + "\0tail");

        var failures = new WeComArchiveOptionsValidator().Validate(null, options).Failures!;

        var failure = Assert.Single(failures, f => f.Contains("control character", StringComparison.Ordinal));
        Assert.StartsWith($"GroupGuard:WeCom:Archive:{setting} ", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_corp_id_the_archive_is_off_and_nothing_is_checked() =>
        Assert.True(new WeComArchiveOptionsValidator().Validate(null, new WeComArchiveOptions { BatchSize = 0 }).Succeeded);
}
