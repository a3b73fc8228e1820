namespace GroupGuard.Core.Images;

/// <summary>What a QR code is, as a <c>qr</c> rule's <c>kinds:</c> names it.</summary>
public enum QrKind
{
    /// <summary>Any code at all (only in <c>kinds:</c>; a payload is never classified so).</summary>
    Any,

    /// <summary>A WeChat group's invitation (<c>weixin.qq.com/g/…</c>; a WeCom group's <c>work.weixin.qq.com/gm/…</c>).</summary>
    WeChatGroup,

    /// <summary>A WeChat contact (<c>u.wechat.com/…</c>, <c>weixin.qq.com/r/…</c>; a WeCom contact's <c>work.weixin.qq.com/u/…</c>).</summary>
    WeChatContact,

    /// <summary>A payment code: WeChat Pay (<c>wxp://…</c>, <c>wx.tenpay.com/f2f…</c>), Alipay (<c>qr.alipay.com/…</c>), UnionPay (<c>qr.95516.com/…</c>).</summary>
    Payment,

    /// <summary>Any other http(s) link.</summary>
    Url,

    /// <summary>Anything else: plain text, a vCard, a Wi-Fi login… Only <see cref="Any"/> covers it.</summary>
    Text,
}

/// <summary>Tells what a QR code's payload is. Hosts and schemes compare ignoring case (Alipay writes <c>HTTPS://QR.ALIPAY.COM/</c>).</summary>
public static class QrPayloads
{
    /// <summary>The names <c>kinds:</c> takes, in the order the docs list them.</summary>
    public static IReadOnlyList<string> KindNames { get; } = ["any", "wechat_group", "wechat_contact", "payment", "url"];

    public static QrKind? ParseKind(string name) => name switch
    {
        "any" => QrKind.Any,
        "wechat_group" => QrKind.WeChatGroup,
        "wechat_contact" => QrKind.WeChatContact,
        "payment" => QrKind.Payment,
        "url" => QrKind.Url,
        _ => null,
    };

    /// <summary>The name of a kind as rules and evidence write it (<c>wechat_group</c>), <c>text</c> for <see cref="QrKind.Text"/>.</summary>
    public static string NameOf(QrKind kind) => kind switch
    {
        QrKind.Any => "any",
        QrKind.WeChatGroup => "wechat_group",
        QrKind.WeChatContact => "wechat_contact",
        QrKind.Payment => "payment",
        QrKind.Url => "url",
        _ => "text",
    };

    public static QrKind Classify(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var text = payload.AsSpan().Trim();
        if (text.StartsWith("wxp://", StringComparison.OrdinalIgnoreCase))
        {
            return QrKind.Payment;
        }

        if (!TrySplitHttp(text, out var host, out var path))
        {
            return QrKind.Text;
        }

        if (Is(host, "weixin.qq.com"))
        {
            return PathStarts(path, "/g/") ? QrKind.WeChatGroup
                : PathStarts(path, "/r/") ? QrKind.WeChatContact
                : QrKind.Url;
        }

        if (Is(host, "work.weixin.qq.com"))
        {
            return PathStarts(path, "/gm/") ? QrKind.WeChatGroup
                : PathStarts(path, "/u/") ? QrKind.WeChatContact
                : QrKind.Url;
        }

        if (Is(host, "u.wechat.com"))
        {
            return QrKind.WeChatContact;
        }

        if (Is(host, "qr.alipay.com") || Is(host, "qr.95516.com") || (Is(host, "wx.tenpay.com") && PathStarts(path, "/f2f")))
        {
            return QrKind.Payment;
        }

        return QrKind.Url;
    }

    /// <summary><c>http(s)://host[:port]/path…</c>: the host (no port, no user info) and the path (from its slash; empty when none).</summary>
    private static bool TrySplitHttp(ReadOnlySpan<char> text, out ReadOnlySpan<char> host, out ReadOnlySpan<char> path)
    {
        host = default;
        path = default;
        int skip;
        if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            skip = 8;
        }
        else if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            skip = 7;
        }
        else
        {
            return false;
        }

        var rest = text[skip..];
        var end = rest.IndexOfAny("/?#");
        var authority = end < 0 ? rest : rest[..end];
        path = end < 0 ? default : rest[end..];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        var colon = authority.IndexOf(':');
        host = colon < 0 ? authority : authority[..colon];
        return host.Length > 0 && !host.ContainsAny(" \t\r\n");
    }

    private static bool Is(ReadOnlySpan<char> host, string name) =>
        host.TrimEnd('.').Equals(name, StringComparison.OrdinalIgnoreCase);

    private static bool PathStarts(ReadOnlySpan<char> path, string prefix) =>
        path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
}
