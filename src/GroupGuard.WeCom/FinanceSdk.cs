using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace GroupGuard.WeCom;

/// <summary>
/// Tencent's chat archive library (<c>libWeWorkFinanceSdk_C.so</c>), loaded from the path an
/// operator sets in <c>GroupGuard:WeCom:Archive:SdkPath</c> and called through unmanaged function
/// pointers resolved by name.
/// </summary>
/// <remarks>
/// Thread-safety: every call on the SDK object, <see cref="Dispose"/> included, takes one lock, so
/// they run one at a time (Tencent does not say its SDK object may be used concurrently). A long
/// <see cref="GetMediaData"/> therefore holds up <see cref="GetChatData"/> for as long as it takes.
/// <see cref="DecryptData"/> takes no SDK object and runs beside them, without the lock.
/// <para>
/// The library stays loaded for the life of the process once it has been called: Tencent's
/// library starts its network stack inside, and unloading it under whatever it left behind could
/// crash the process. <see cref="Dispose"/> destroys the SDK object (<c>DestroySdk</c>).
/// </para>
/// </remarks>
internal sealed unsafe class FinanceSdk : IFinanceSdk, IDisposable
{
    /// <summary>The setting that holds the library's path, named in errors.</summary>
    public const string SdkPathSetting = "GroupGuard:WeCom:Archive:SdkPath";

    /// <summary>The largest slice accepted from the SDK: a chat-data page or a decrypted message.</summary>
    public const int MaxSliceBytes = 64 * 1024 * 1024;

    /// <summary>The most calls for one media file; a file that is still not finished then is given up.</summary>
    public const int MaxMediaRounds = 10_000;

    // A media piece's index (the offset to continue from, as the SDK writes it) is a few dozen
    // characters; anything near this is not an index.
    private const int MaxIndexBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] Symbols =
    [
        "NewSdk", "Init", "GetChatData", "DecryptData", "GetMediaData", "DestroySdk",
        "NewSlice", "FreeSlice", "GetContentFromSlice", "GetSliceLen",
        "NewMediaData", "FreeMediaData", "GetOutIndexBuf", "GetData", "GetIndexLen", "GetDataLen", "IsMediaDataFinish",
    ];

    private readonly Lock _gate = new();
    private readonly string _path;
    private nint _sdk;
    private bool _disposed;

    private readonly delegate* unmanaged[Cdecl]<nint> _newSdk;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, byte*, int> _init;
    private readonly delegate* unmanaged[Cdecl]<nint, ulong, uint, byte*, byte*, int, nint, int> _getChatData;
    private readonly delegate* unmanaged[Cdecl]<byte*, byte*, nint, int> _decryptData;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, byte*, byte*, byte*, int, nint, int> _getMediaData;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _destroySdk;
    private readonly delegate* unmanaged[Cdecl]<nint> _newSlice;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _freeSlice;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*> _getContentFromSlice;
    private readonly delegate* unmanaged[Cdecl]<nint, int> _getSliceLen;
    private readonly delegate* unmanaged[Cdecl]<nint> _newMediaData;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _freeMediaData;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*> _getOutIndexBuf;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*> _getData;
    private readonly delegate* unmanaged[Cdecl]<nint, int> _getIndexLen;
    private readonly delegate* unmanaged[Cdecl]<nint, int> _getDataLen;
    private readonly delegate* unmanaged[Cdecl]<nint, int> _isMediaDataFinish;

    private FinanceSdk(IReadOnlyDictionary<string, nint> exports, string path)
    {
        _path = path;
        _newSdk = (delegate* unmanaged[Cdecl]<nint>)exports["NewSdk"];
        _init = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, int>)exports["Init"];
        _getChatData = (delegate* unmanaged[Cdecl]<nint, ulong, uint, byte*, byte*, int, nint, int>)exports["GetChatData"];
        _decryptData = (delegate* unmanaged[Cdecl]<byte*, byte*, nint, int>)exports["DecryptData"];
        _getMediaData = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, byte*, byte*, int, nint, int>)exports["GetMediaData"];
        _destroySdk = (delegate* unmanaged[Cdecl]<nint, void>)exports["DestroySdk"];
        _newSlice = (delegate* unmanaged[Cdecl]<nint>)exports["NewSlice"];
        _freeSlice = (delegate* unmanaged[Cdecl]<nint, void>)exports["FreeSlice"];
        _getContentFromSlice = (delegate* unmanaged[Cdecl]<nint, byte*>)exports["GetContentFromSlice"];
        _getSliceLen = (delegate* unmanaged[Cdecl]<nint, int>)exports["GetSliceLen"];
        _newMediaData = (delegate* unmanaged[Cdecl]<nint>)exports["NewMediaData"];
        _freeMediaData = (delegate* unmanaged[Cdecl]<nint, void>)exports["FreeMediaData"];
        _getOutIndexBuf = (delegate* unmanaged[Cdecl]<nint, byte*>)exports["GetOutIndexBuf"];
        _getData = (delegate* unmanaged[Cdecl]<nint, byte*>)exports["GetData"];
        _getIndexLen = (delegate* unmanaged[Cdecl]<nint, int>)exports["GetIndexLen"];
        _getDataLen = (delegate* unmanaged[Cdecl]<nint, int>)exports["GetDataLen"];
        _isMediaDataFinish = (delegate* unmanaged[Cdecl]<nint, int>)exports["IsMediaDataFinish"];
    }

    /// <summary>
    /// Loads the library at <paramref name="sdkPath"/>, creates its SDK object and initialises it
    /// for the corporation. Throws <see cref="FinanceSdkException"/> naming the setting and the path
    /// when the file is missing, does not load or lacks a function, and the code and its meaning
    /// when <c>Init</c> refuses (the secret is never shown).
    /// </summary>
    /// <param name="sdkPath">The library's path (relative paths are taken from the current folder).</param>
    /// <param name="corpId">The corporation's id (企业ID).</param>
    /// <param name="secret">The chat archive's secret (会话内容存档 Secret).</param>
    public static FinanceSdk Open(string sdkPath, string corpId, string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(corpId);
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        if (string.IsNullOrWhiteSpace(sdkPath))
        {
            throw new FinanceSdkException($"{SdkPathSetting} is empty: set it to the path of WeCom's chat archive SDK, libWeWorkFinanceSdk_C.so");
        }

        var path = Path.GetFullPath(sdkPath);
        if (!File.Exists(path))
        {
            throw new FinanceSdkException($"{SdkPathSetting}: there is no file at {path}; download WeCom's chat archive SDK (libWeWorkFinanceSdk_C.so) and set this to its path");
        }

        nint library;
        try
        {
            library = NativeLibrary.Load(path);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            throw new FinanceSdkException($"{SdkPathSetting}: {path} will not load as a library ({ex.Message}); it must be WeCom's chat archive SDK for this machine, with the libraries it needs installed", inner: ex);
        }

        var exports = new Dictionary<string, nint>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var symbol in Symbols)
        {
            if (NativeLibrary.TryGetExport(library, symbol, out var address) && address != 0)
            {
                exports[symbol] = address;
            }
            else
            {
                missing.Add(symbol);
            }
        }

        if (missing.Count > 0)
        {
            // Nothing of it has run yet, so it can go again.
            NativeLibrary.Free(library);
            throw new FinanceSdkException($"{SdkPathSetting}: {path} has no function {string.Join(", ", missing)}; it is not WeCom's chat archive SDK (libWeWorkFinanceSdk_C.so), or a version too old");
        }

        var sdk = new FinanceSdk(exports, path);
        try
        {
            sdk.Initialise(corpId, secret);
            return sdk;
        }
        catch
        {
            sdk.Dispose();
            throw;
        }
    }

    private void Initialise(string corpId, string secret)
    {
        _sdk = _newSdk();
        if (_sdk == 0)
        {
            throw new FinanceSdkException($"NewSdk of {_path} returned no SDK object");
        }

        var corp = Utf8Z(corpId, nameof(corpId));
        var secretBytes = Utf8Z(secret, nameof(secret));
        try
        {
            int code;
            fixed (byte* c = corp, s = secretBytes)
            {
                code = _init(_sdk, c, s);
            }

            if (code != 0)
            {
                throw new FinanceSdkException($"WeCom's chat archive SDK refused Init for corp {corpId}: {FinanceSdkErrors.Describe(code)}", code);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretBytes);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<EncryptedRecord> GetChatData(ulong seq, uint limit, string? proxy, string? password, int timeoutSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, (uint)ChatDataParser.MaxRecords);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeoutSeconds);
        var proxyBytes = Utf8Z(proxy ?? "", nameof(proxy));
        var passwordBytes = Utf8Z(password ?? "", nameof(password));
        byte[] body;
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var slice = NewSlice();
                try
                {
                    int code;
                    fixed (byte* p = proxyBytes, w = passwordBytes)
                    {
                        code = _getChatData(_sdk, seq, limit, p, w, timeoutSeconds, slice);
                    }

                    if (code != 0)
                    {
                        throw new FinanceSdkException(string.Create(CultureInfo.InvariantCulture, $"GetChatData after seq {seq} failed: {FinanceSdkErrors.Describe(code)}"), code);
                    }

                    body = ReadSlice(slice, "GetChatData");
                }
                finally
                {
                    _freeSlice(slice);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }

        return ChatDataParser.Parse(body);
    }

    /// <inheritdoc />
    public string DecryptData(string randomKey, string encryptedMessage)
    {
        ArgumentNullException.ThrowIfNull(randomKey);
        ArgumentNullException.ThrowIfNull(encryptedMessage);
        var key = Utf8Z(randomKey, nameof(randomKey));
        var message = Utf8Z(encryptedMessage, nameof(encryptedMessage));
        byte[] plain;
        try
        {
            // Not under the lock: DecryptData takes no SDK object (only the key, the message and a
            // slice of its own), and the library stays loaded after Dispose, so it cannot meet a
            // destroyed object. Under the lock it waited for a picture's download, every round of it.
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
            var slice = NewSlice();
            try
            {
                int code;
                fixed (byte* k = key, m = message)
                {
                    code = _decryptData(k, m, slice);
                }

                if (code != 0)
                {
                    throw new FinanceSdkException($"DecryptData failed: {FinanceSdkErrors.Describe(code)}", code);
                }

                plain = ReadSlice(slice, "DecryptData");
            }
            finally
            {
                _freeSlice(slice);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        try
        {
            return StrictUtf8.GetString(plain);
        }
        catch (DecoderFallbackException)
        {
            throw new FinanceSdkException("DecryptData gave a message that is not UTF-8 text");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <inheritdoc />
    public byte[] GetMediaData(string sdkFileId, string? proxy, string? password, int timeoutSeconds, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sdkFileId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeoutSeconds);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Array.MaxLength);
        var fileId = Utf8Z(sdkFileId, nameof(sdkFileId));
        var proxyBytes = Utf8Z(proxy ?? "", nameof(proxy));
        var passwordBytes = Utf8Z(password ?? "", nameof(password));
        var shown = sdkFileId.Length <= 24 ? sdkFileId : sdkFileId[..24] + "…";
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                using var content = new MemoryStream();
                byte[] index = [0];
                for (var round = 1; round <= MaxMediaRounds; round++)
                {
                    // Between pieces: a download given up (its deadline passed, the service
                    // stopping) lets the others have the SDK at the end of the piece under way.
                    cancellationToken.ThrowIfCancellationRequested();
                    var media = _newMediaData();
                    if (media == 0)
                    {
                        throw new FinanceSdkException($"NewMediaData of {_path} returned nothing");
                    }

                    bool finished;
                    try
                    {
                        int code;
                        fixed (byte* i = index, f = fileId, p = proxyBytes, w = passwordBytes)
                        {
                            code = _getMediaData(_sdk, i, f, p, w, timeoutSeconds, media);
                        }

                        if (code != 0)
                        {
                            throw new FinanceSdkException(string.Create(CultureInfo.InvariantCulture, $"GetMediaData of {shown} failed in round {round}: {FinanceSdkErrors.Describe(code)}"), code);
                        }

                        var length = _getDataLen(media);
                        if (length < 0 || length > maxBytes - content.Length)
                        {
                            throw new FinanceSdkException(string.Create(CultureInfo.InvariantCulture, $"media {shown} is larger than the {maxBytes} bytes allowed")) { TooLarge = length >= 0 };
                        }

                        if (length > 0)
                        {
                            var data = _getData(media);
                            if (data is null)
                            {
                                throw new FinanceSdkException("GetMediaData gave a length but no data");
                            }

                            content.Write(new ReadOnlySpan<byte>(data, length));
                        }

                        finished = _isMediaDataFinish(media) != 0;
                        if (!finished)
                        {
                            index = NextIndex(media);
                        }
                    }
                    finally
                    {
                        _freeMediaData(media);
                    }

                    if (finished)
                    {
                        return content.ToArray();
                    }
                }

                throw new FinanceSdkException(string.Create(CultureInfo.InvariantCulture, $"media {shown} was not finished after {MaxMediaRounds} rounds of GetMediaData; given up"));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>Destroys the SDK object; calls after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_sdk != 0)
            {
                _destroySdk(_sdk);
                _sdk = 0;
            }
        }
    }

    private byte[] NextIndex(nint media)
    {
        var length = _getIndexLen(media);
        if (length <= 0 || length > MaxIndexBytes)
        {
            throw new FinanceSdkException(string.Create(CultureInfo.InvariantCulture, $"GetMediaData said it was not finished but gave an index of {length} bytes to continue from"));
        }

        var index = _getOutIndexBuf(media);
        if (index is null)
        {
            throw new FinanceSdkException("GetMediaData said it was not finished but gave no index to continue from");
        }

        // Passed back as a C string: copied with a terminating NUL, which the SDK's buffer need not have.
        var next = new byte[length + 1];
        new ReadOnlySpan<byte>(index, length).CopyTo(next);
        return next;
    }

    private nint NewSlice()
    {
        var slice = _newSlice();
        return slice != 0 ? slice : throw new FinanceSdkException($"NewSlice of {_path} returned nothing");
    }

    // The slice's content need not end in a NUL: its length is what GetSliceLen says.
    private byte[] ReadSlice(nint slice, string call)
    {
        var length = _getSliceLen(slice);
        if (length < 0 || length > MaxSliceBytes)
        {
            throw new FinanceSdkException(string.Create(CultureInfo.InvariantCulture, $"{call} gave {length} bytes, more than the {MaxSliceBytes} accepted"));
        }

        if (length == 0)
        {
            return [];
        }

        var content = _getContentFromSlice(slice);
        if (content is null)
        {
            throw new FinanceSdkException($"{call} gave a length but no content");
        }

        return new ReadOnlySpan<byte>(content, length).ToArray();
    }

    // A C string: UTF-8 with a NUL at the end. A NUL inside would cut it short without a word, so it
    // is refused, as a failure of the call (a record's field or a setting may carry one).
    private static byte[] Utf8Z(string value, string name)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new FinanceSdkException($"{name} contains a NUL character, which the SDK's C strings cannot carry");
        }

        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}
