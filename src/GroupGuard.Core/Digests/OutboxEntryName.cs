namespace GroupGuard.Core.Digests;

/// <summary>
/// Whose an entry of the digest outbox is, by its key, as a person reads it: a leader's digest by
/// the leader's name as it is (<c>王主任</c>), an alert rule's alert (<c>alert:office</c>) as
/// <c>告警 office</c> and its follow-up (<c>alert-followup:office</c>) as <c>告警跟进 office</c>
/// (<c>alert office</c>, <c>alert follow-up office</c> in English). The console's pages and
/// <c>digest list</c> name an entry so, never by its key; <see cref="KeyOf"/> reads the name back.
/// </summary>
public static class OutboxEntryName
{
    private const string Alert = "告警 ";
    private const string FollowUp = "告警跟进 ";

    /// <summary>The entry's name in Chinese, or in English (<paramref name="english"/>).</summary>
    public static string Of(string key, bool english = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith(AlertRuleOptions.FollowUpPrefix, StringComparison.Ordinal))
        {
            return (english ? "alert follow-up " : FollowUp) + key[AlertRuleOptions.FollowUpPrefix.Length..];
        }

        return key.StartsWith(AlertRuleOptions.OutboxPrefix, StringComparison.Ordinal)
            ? (english ? "alert " : Alert) + key[AlertRuleOptions.OutboxPrefix.Length..]
            : key;
    }

    /// <summary>
    /// The key of the entry a Chinese name (<see cref="Of"/>) names: <c>告警 office</c> is
    /// <c>alert:office</c>, <c>告警跟进 office</c> <c>alert-followup:office</c>; anything else (a
    /// leader's name, a key) as it is.
    /// </summary>
    public static string KeyOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = name.Trim();
        if (text.StartsWith(FollowUp, StringComparison.Ordinal) && text.Length > FollowUp.Length)
        {
            return AlertRuleOptions.FollowUpPrefix + text[FollowUp.Length..].TrimStart();
        }

        return text.StartsWith(Alert, StringComparison.Ordinal) && text.Length > Alert.Length
            ? AlertRuleOptions.OutboxPrefix + text[Alert.Length..].TrimStart()
            : name;
    }
}
