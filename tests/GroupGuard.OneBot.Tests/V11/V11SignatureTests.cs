using GroupGuard.Core;
using GroupGuard.OneBot.Tests.Support;
using GroupGuard.Testing;

namespace GroupGuard.OneBot.Tests.V11;

public sealed class V11SignatureTests
{
    private const string Secret = "NapCat-Token!2025";
    private const string SamplePath = "V11/napcat-group-array.json";

    // Computed when the sample was written, independently of this code:
    //   openssl dgst -sha1 -hmac 'NapCat-Token!2025' Samples/V11/napcat-group-array.json
    // Editing that sample changes its bytes: recompute this then.
    private const string KnownSignature = "sha1=9890ec399afa5d56f94c59b9ef17dbade821648f";

    [Fact]
    public void A_correctly_signed_event_is_accepted()
    {
        var result = Receivers.Create(Secret).ReceiveV11(Samples.Bytes(SamplePath), KnownSignature);

        Assert.Equal(204, result.StatusCode);
        Assert.Null(result.Error);
        Assert.Equal(InboundEventKind.GroupMessage, result.Event!.Kind);
    }

    [Fact]
    public void Uppercase_hex_is_accepted()
    {
        var upper = "sha1=" + KnownSignature["sha1=".Length..].ToUpperInvariant();

        var result = Receivers.Create(Secret).ReceiveV11(Samples.Bytes(SamplePath), upper);

        Assert.Equal(204, result.StatusCode);
    }

    [Fact]
    public void One_tampered_byte_is_forbidden()
    {
        var body = Samples.Bytes(SamplePath);
        var at = Array.IndexOf(body, (byte)'5'); // a digit inside self_id
        body[at] = (byte)'6';

        var result = Receivers.Create(Secret).ReceiveV11(body, KnownSignature);

        Assert.Equal(403, result.StatusCode);
        Assert.Null(result.Event);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_signature_is_unauthorized(string? header)
    {
        var result = Receivers.Create(Secret).ReceiveV11(Samples.Bytes(SamplePath), header);

        Assert.Equal(401, result.StatusCode);
        Assert.Contains("X-Signature", result.Error);
        Assert.Contains("GroupGuard:OneBot:Secret", result.Error); // the setting to give the bridge, as the log line says it
    }

    /// <summary>A header not of the form is a sender's setting or format to fix, not its secret: the answer says so.</summary>
    [Theory]
    [InlineData("sha256=9890ec399afa5d56f94c59b9ef17dbade821648f")]
    [InlineData("9890ec399afa5d56f94c59b9ef17dbade821648f")]
    [InlineData("SHA1=9890ec399afa5d56f94c59b9ef17dbade821648f")]
    [InlineData("sha1 9890ec399afa5d56f94c59b9ef17dbade821648f")]
    [InlineData("sha1=9890ec399afa5d56f94c59b9ef17dbade821648")]
    [InlineData("sha1=9890ec399afa5d56f94c59b9ef17dbade821648f00")]
    [InlineData("sha1=zz90ec399afa5d56f94c59b9ef17dbade821648f")]
    [InlineData("sha1=")]
    public void A_signature_not_of_the_form_is_forbidden_saying_what_the_form_is(string header)
    {
        var result = Receivers.Create(Secret).ReceiveV11(Samples.Bytes(SamplePath), header);

        Assert.Equal(403, result.StatusCode);
        Assert.Null(result.Event);
        Assert.StartsWith("X-Signature must be sha1=<40 hex digits>", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sha1=0000000000000000000000000000000000000000")]
    [InlineData("sha1=9890EC399AFA5D56F94C59B9EF17DBADE821648E")]
    public void A_signature_of_the_form_but_not_the_bodys_is_forbidden_as_not_matching(string header)
    {
        var result = Receivers.Create(Secret).ReceiveV11(Samples.Bytes(SamplePath), header);

        Assert.Equal(403, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Equal("X-Signature does not match the body: the bridge's secret (its token) is not the one in GroupGuard:OneBot:Secret", result.Error);
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_forbidden()
    {
        var result = Receivers.Create("another-secret").ReceiveV11(Samples.Bytes(SamplePath), KnownSignature);

        Assert.Equal(403, result.StatusCode);
    }

    [Fact]
    public void The_signature_is_checked_before_the_body_is_parsed()
    {
        var result = Receivers.Create(Secret).ReceiveV11("{not json"u8, KnownSignature);

        Assert.Equal(403, result.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_a_secret_unsigned_events_are_accepted(string? secret)
    {
        var receiver = Receivers.Create(secret);

        Assert.Equal(204, receiver.ReceiveV11(Samples.Bytes(SamplePath), null).StatusCode);
        Assert.Equal(204, receiver.ReceiveV11(Samples.Bytes(SamplePath), "sha1=not-checked").StatusCode);
    }

    [Fact]
    public void A_changed_secret_takes_effect_without_a_restart()
    {
        var options = new SettableOptions<OneBotOptions>(new OneBotOptions { Secret = "old-secret" });
        var receiver = Receivers.Create(options);
        Assert.Equal(403, receiver.ReceiveV11(Samples.Bytes(SamplePath), KnownSignature).StatusCode);

        options.CurrentValue = new OneBotOptions { Secret = Secret };

        Assert.Equal(204, receiver.ReceiveV11(Samples.Bytes(SamplePath), KnownSignature).StatusCode);
    }

    [Fact]
    public void Errors_never_reveal_the_secret()
    {
        var receiver = Receivers.Create(Secret);
        var body = Samples.Bytes(SamplePath);

        foreach (var header in new[] { null, "sha1=00", KnownSignature.Replace('9', '8') })
        {
            var result = receiver.ReceiveV11(body, header);
            Assert.NotNull(result.Error);
            Assert.DoesNotContain(Secret, result.Error);
        }
    }
}
