using System.Globalization;

namespace GroupGuard.WeCom;

/// <summary>
/// The return codes of WeCom's chat archive SDK (会话内容存档), as Tencent documents them, in
/// words an operator can act on.
/// </summary>
internal static class FinanceSdkErrors
{
    /// <summary>What <paramref name="code"/> means, for a message.</summary>
    public static string Meaning(int code) => code switch
    {
        10000 => "parameter error",
        10001 => "network error: check the server's connection to WeCom and the proxy",
        10002 => "data parse failed",
        10003 => "system failure",
        10004 => "encryption failed because of a wrong key",
        10005 => "file id error: no such media file",
        10006 => "decryption failed",
        10007 => "no private key of the message's publickey_ver: upload the key pair again in WeCom's admin console",
        10008 => "encrypt_key parse error: the random key did not decrypt to what the SDK expects",
        10009 => "IP not allowed: add this server's address to the chat archive's trusted IPs in WeCom's admin console",
        10010 => "data expired",
        10011 => "certificate error",
        _ => "not a code of the SDK's documentation; see WeCom's list of error codes",
    };

    /// <summary>The code with its meaning, as messages show it: <c>10009 (IP not allowed: …)</c>.</summary>
    public static string Describe(int code) => string.Create(CultureInfo.InvariantCulture, $"{code} ({Meaning(code)})");
}
