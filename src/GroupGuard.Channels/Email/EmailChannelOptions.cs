using System.Globalization;
using MimeKit;

namespace GroupGuard.Channels;

/// <summary>Email over SMTP: <c>"Type": "email"</c>.</summary>
public sealed class EmailChannelOptions : DigestChannelOptions
{
    public override string Type => ChannelTypes.Email;

    /// <summary>The SMTP server's host name.</summary>
    public string? Host { get; set; }

    /// <summary>The SMTP port; default 465 with TLS, 587 without.</summary>
    public int? Port { get; set; }

    /// <summary>
    /// True: TLS from the first byte (SMTPS, port 465). False: plain connect, then STARTTLS, which
    /// the server must offer (port 587 or 25), or nothing is sent; to a relay on this machine
    /// (localhost, 127.0.0.1, ::1), plain SMTP throughout. Unset: true, except to a relay on this
    /// machine.
    /// </summary>
    public bool? UseTls { get; set; }

    /// <summary>The host is this machine: mail to it never crosses a network.</summary>
    internal bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(Host, out var address) && System.Net.IPAddress.IsLoopback(address));

    internal bool EffectiveUseTls(bool loopback) => UseTls ?? !loopback;

    /// <summary>The login; when empty, GroupGuard sends without authenticating.</summary>
    public string? User { get; set; }

    /// <summary>The password (often an app password or authorisation code). Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The sender, <c>bot@example.com</c> or <c>GroupGuard &lt;bot@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>The recipients, in the same forms as <see cref="From"/>.</summary>
    public IList<string> To { get; set; } = [];

    internal int EffectivePort(bool loopback) => Port ?? (EffectiveUseTls(loopback) ? 465 : 587);

    internal static EmailChannelOptions Read(ChannelSettingsReader reader) => new()
    {
        Host = reader.String(nameof(Host)),
        Port = reader.Int(nameof(Port)),
        UseTls = reader.Bool(nameof(UseTls)),
        User = reader.String(nameof(User)),
        Password = reader.String(nameof(Password)),
        From = reader.String(nameof(From)),
        To = reader.List(nameof(To)),
    };

    internal override void Validate(string key, List<string> failures)
    {
        ChannelValidation.Required(failures, key, nameof(Host), Host, Type);
        if (Port is { } port && port is < 1 or > 65535)
        {
            failures.Add($"{key}:Port must be between 1 and 65535, got {port.ToString(CultureInfo.InvariantCulture)}");
        }

        if (!string.IsNullOrWhiteSpace(User) && string.IsNullOrEmpty(Password))
        {
            failures.Add($"{key}:Password is required when User is set");
        }

        if (string.IsNullOrWhiteSpace(From))
        {
            failures.Add($"{key}:From is required for email");
        }
        else
        {
            Address(failures, $"{key}:From", From);
        }

        if (To is null || To.Count == 0)
        {
            failures.Add($"{key}:To is required for email: a list of one or more recipients");
            return;
        }

        for (var i = 0; i < To.Count; i++)
        {
            Address(failures, $"{key}:To:{i.ToString(CultureInfo.InvariantCulture)}", To[i]);
        }
    }

    /// <summary>
    /// An address as a server takes it: MimeKit reads <c>wang</c> and <c>王主任 &lt;wang&gt;</c> as
    /// addresses (a local part alone), which every server refuses when the digest is sent.
    /// </summary>
    private static void Address(List<string> failures, string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !MailboxAddress.TryParse(value, out var mailbox))
        {
            failures.Add($"{setting} is not an email address: '{value}'");
        }
        else if (string.IsNullOrWhiteSpace(mailbox.LocalPart) || string.IsNullOrWhiteSpace(mailbox.Domain))
        {
            failures.Add($"{setting} has no domain: '{value}' (an address is user@domain)");
        }
    }
}
