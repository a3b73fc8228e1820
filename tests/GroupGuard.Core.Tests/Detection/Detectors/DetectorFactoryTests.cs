using GroupGuard.Core.Detection.Detectors;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Core.Tests.Detection.Detectors;

public sealed class DetectorFactoryTests
{
    [Fact]
    public void The_six_built_in_detectors_are_named()
    {
        Assert.Equal(["cn_id_card", "cn_mobile", "bank_card", "url", "qr", "promo"], DetectorFactory.Names);
    }

    [Theory]
    [InlineData("cn_id_card")]
    [InlineData("cn_mobile")]
    [InlineData("bank_card")]
    [InlineData("url")]
    public void Each_name_builds_the_detector_of_that_name(string name)
    {
        var detector = DetectorFactory.Create(name, [], [], TimeProvider.System, out var error);

        Assert.Null(error);
        Assert.NotNull(detector);
        Assert.Equal(name, detector.Name);
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("URL")]
    [InlineData("")]
    public void An_unknown_name_is_an_error_that_lists_the_known_ones(string name)
    {
        var detector = DetectorFactory.Create(name, [], [], TimeProvider.System, out var error);

        Assert.Null(detector);
        Assert.NotNull(error);
        Assert.Contains($"'{name}'", error, StringComparison.Ordinal);
        Assert.Contains("cn_id_card, cn_mobile, bank_card, url", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cn_mobile")]
    [InlineData("bank_card")]
    [InlineData("cn_id_card")]
    public void Domain_lists_on_a_detector_other_than_url_are_an_error(string name)
    {
        Assert.Null(DetectorFactory.Create(name, ["example.com"], [], TimeProvider.System, out var allowError));
        Assert.Null(DetectorFactory.Create(name, [], ["example.com"], TimeProvider.System, out var denyError));

        Assert.Contains("only to detector: url", allowError, StringComparison.Ordinal);
        Assert.Contains("only to detector: url", denyError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("https://example.com", "without a scheme")]
    [InlineData("example.com/path", "without a path")]
    [InlineData("example.com:8080", "without a port")]
    [InlineData("ex*ample.com", "only as a leading")]
    [InlineData("*example.com", "only as a leading")]
    [InlineData("*.*.example.com", "only as a leading")]
    [InlineData("例子.cn", "not a valid domain")]
    [InlineData("-bad.com", "not a valid domain")]
    [InlineData("a..com", "not a valid domain")]
    [InlineData("exa mple.com", "not a valid domain")]
    [InlineData("*.", "not a valid domain")]
    [InlineData(".", "not a valid domain")]
    public void Bad_domains_are_errors_that_name_the_list_and_the_entry(string domain, string reason)
    {
        Assert.Null(DetectorFactory.Create("url", [domain], [], TimeProvider.System, out var allowError));
        Assert.Null(DetectorFactory.Create("url", ["ok.com"], [domain], TimeProvider.System, out var denyError));

        Assert.StartsWith($"allow_domains: '{domain}' ", allowError, StringComparison.Ordinal);
        Assert.Contains(reason, allowError, StringComparison.Ordinal);
        Assert.StartsWith($"deny_domains: '{domain}' ", denyError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("*.example.com")]
    [InlineData("Example.COM.")]
    [InlineData(" qq.com ")]
    [InlineData("example。com")]
    [InlineData("xyz")]
    [InlineData("xn--fiqs8s.cn")]
    public void Good_domains_are_accepted(string domain)
    {
        Assert.NotNull(DetectorFactory.Create("url", [domain], [domain], TimeProvider.System, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Written_in_any_case_an_allowed_domain_matches_hosts_in_any_case()
    {
        var detector = DetectorFactory.Create("url", ["Example.COM."], [], TimeProvider.System, out _)!;

        Assert.Empty(TestNumbers.Find(detector, "https://WWW.example.com/x"));
    }

    [Fact]
    public void The_id_card_detector_takes_today_from_the_given_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var detector = DetectorFactory.Create("cn_id_card", [], [], clock, out _)!;

        Assert.Empty(TestNumbers.Find(detector, "110101199003071233")); // born in March 1990
        clock.Advance(TimeSpan.FromDays(100));
        Assert.Single(TestNumbers.Find(detector, "110101199003071233"));
    }
}
