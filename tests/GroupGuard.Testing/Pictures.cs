using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;
using ZXing;
using ZXing.QrCode;

namespace GroupGuard.Testing;

/// <summary>
/// Pictures made by the tests, never committed: QR codes (ZXing's writer), noise, "photos" of
/// gradients and shapes, codes and Chinese text laid on them, PNG and JPEG bytes, animated GIFs,
/// BMPs and PNGs of every kind and of huge dimensions (written by hand), and a hand-made PNG header
/// that declares a picture far too large (a decompression bomb).
/// </summary>
public static class Pictures
{
    public const string WeChatGroup = "https://weixin.qq.com/g/AQYAAHk5bmUZJ3xNcQbG2t5p0Lr8Kk-cGfF0hXfYV3AyZtNo";
    public const string WeChatContact = "https://u.wechat.com/MBp0Hk9q3x8cJ2yQdLw4RsA";
    public const string WeChatPay = "wxp://f2f0Xy8L4kPq2m9RzN3uVbWcE6tJhA1sDgF5";
    public const string Alipay = "HTTPS://QR.ALIPAY.COM/FKX04812ZKQ3LHBCTPVX7A";
    public const string PlainLink = "https://www.example.com/menu?table=12";

    /// <summary>A QR code of <paramref name="payload"/>, <paramref name="size"/> pixels square with a quiet zone of two modules.</summary>
    public static SKBitmap Qr(string payload, int size)
    {
        var writer = new BarcodeWriterPixelData
        {
            Format = BarcodeFormat.QR_CODE,
            Options = new QrCodeEncodingOptions { Width = size, Height = size, Margin = 2, CharacterSet = "UTF-8" },
        };
        var data = writer.Write(payload);
        var bitmap = new SKBitmap(new SKImageInfo(data.Width, data.Height, SKColorType.Bgra8888, SKAlphaType.Premul));
        System.Runtime.InteropServices.Marshal.Copy(data.Pixels, 0, bitmap.GetPixels(), data.Pixels.Length);
        return bitmap;
    }

    /// <summary>Grey and coloured noise, the same for the same seed.</summary>
    public static SKBitmap Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pixels = new byte[width * height * 4];
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }

    /// <summary>Something like a photo: a gradient in random colours and directions, with circles, rectangles and lines over it.</summary>
    public static SKBitmap Photo(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using (var shader = SKShader.CreateLinearGradient(
            new SKPoint(random.Next(width), random.Next(height)),
            new SKPoint(random.Next(width), random.Next(height)),
            [Colour(random), Colour(random), Colour(random)],
            SKShaderTileMode.Mirror))
        using (var paint = new SKPaint { Shader = shader })
        {
            canvas.DrawRect(0, 0, width, height, paint);
        }

        using var shapes = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 24; i++)
        {
            shapes.Color = Colour(random).WithAlpha((byte)random.Next(120, 255));
            shapes.Style = random.Next(3) == 0 ? SKPaintStyle.Stroke : SKPaintStyle.Fill;
            shapes.StrokeWidth = random.Next(2, 12);
            var x = random.Next(width);
            var y = random.Next(height);
            var r = random.Next(Math.Max(4, Math.Min(width, height) / 30), Math.Max(8, Math.Min(width, height) / 5));
            switch (random.Next(3))
            {
                case 0:
                    canvas.DrawCircle(x, y, r, shapes);
                    break;
                case 1:
                    canvas.DrawRect(x, y, r * 1.5f, r, shapes);
                    break;
                default:
                    canvas.DrawLine(x, y, random.Next(width), random.Next(height), shapes);
                    break;
            }
        }

        return bitmap;
    }

    /// <summary>A white picture.</summary>
    public static SKBitmap Blank(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(SKColors.White);
        return bitmap;
    }

    /// <summary>A picture of one colour (opaque).</summary>
    public static SKBitmap Filled(int width, int height, SKColor colour)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(colour);
        return bitmap;
    }

    /// <summary>The picture's negative: each colour turned over (a QR code's dark modules light, its light ones dark), alpha kept.</summary>
    public static SKBitmap Negative(SKBitmap bitmap)
    {
        var negative = new SKBitmap(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                negative.SetPixel(x, y, new SKColor((byte)(255 - c.Red), (byte)(255 - c.Green), (byte)(255 - c.Blue), c.Alpha));
            }
        }

        return negative;
    }

    /// <summary><paramref name="overlay"/> drawn onto <paramref name="background"/> with its centre at (x, y), turned by <paramref name="degrees"/>.</summary>
    public static SKBitmap Place(SKBitmap background, SKBitmap overlay, float x, float y, float degrees = 0)
    {
        using var canvas = new SKCanvas(background);
        canvas.Translate(x, y);
        canvas.RotateDegrees(degrees);
        using var image = SKImage.FromBitmap(overlay);
        canvas.DrawImage(image, -overlay.Width / 2f, -overlay.Height / 2f, new SKSamplingOptions(SKFilterMode.Linear));
        return background;
    }

    /// <summary>
    /// A hostile picture: white, covered with a grid of finder-like squares (QR finder patterns of
    /// <paramref name="module"/>-pixel modules: a 7×7 black ring, a white ring, a 3×3 black centre)
    /// <paramref name="gap"/> pixels apart. A multi-code reader pairs every three of them up.
    /// </summary>
    public static SKBitmap FinderGrid(int width, int height, int module = 3, int gap = 9)
    {
        var bitmap = Blank(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var black = new SKPaint { Color = SKColors.Black, IsAntialias = false };
        using var white = new SKPaint { Color = SKColors.White, IsAntialias = false };
        var side = 7 * module;
        for (var y = gap; y + side <= height; y += side + gap)
        {
            for (var x = gap; x + side <= width; x += side + gap)
            {
                canvas.DrawRect(x, y, side, side, black);
                canvas.DrawRect(x + module, y + module, 5 * module, 5 * module, white);
                canvas.DrawRect(x + (2 * module), y + (2 * module), 3 * module, 3 * module, black);
            }
        }

        return bitmap;
    }

    /// <summary>The picture scaled to <paramref name="width"/>×<paramref name="height"/> (mipmapped, as a phone would).</summary>
    public static SKBitmap Resize(SKBitmap bitmap, int width, int height)
    {
        var scaled = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.ScalePixels(scaled, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return scaled;
    }

    /// <summary>The part of the picture inside <paramref name="rect"/>.</summary>
    public static SKBitmap Crop(SKBitmap bitmap, SKRectI rect)
    {
        var cropped = new SKBitmap(new SKImageInfo(rect.Width, rect.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.ExtractSubset(cropped, rect);
        var copy = cropped.Copy();
        cropped.Dispose();
        return copy;
    }

    /// <summary>The words of <see cref="Advert"/>'s first line.</summary>
    public const string AdvertLine = "加微信 abc12345 领福利";

    /// <summary>
    /// A 1080×1920 phone screenshot of an advert: a busy "photo" with <see cref="AdvertLine"/> and
    /// "限时免费 名额有限" on a banner across it, 56 pixels high.
    /// </summary>
    public static SKBitmap Advert(int seed = 5) => Write(Photo(1080, 1920, seed), [AdvertLine, "限时免费 名额有限"], 56, 120, 700);

    /// <summary>A 240×240 sticker: a busy "photo" with "加微信" and "领福利" on a banner, 28 pixels high.</summary>
    public static SKBitmap Sticker(int seed = 6) => Write(Photo(240, 240, seed), ["加微信", "领福利"], 28, 40, 60);

    /// <summary>Where fonts with Chinese characters are on Debian (<c>fonts-wqy-microhei</c>, which dotnet test installs when missing; Noto CJK).</summary>
    private static readonly string[] ChineseFontFiles =
    [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ];

    /// <summary>
    /// A typeface with Chinese characters: the font manager's for '微', else one of Debian's CJK font
    /// files (Skia here is built without fontconfig). Throws, saying what to install, when there is none.
    /// </summary>
    public static SKTypeface ChineseTypeface()
    {
        if (SKFontManager.Default.MatchCharacter('微') is { } matched && HasChinese(matched))
        {
            return matched;
        }

        foreach (var file in ChineseFontFiles.Where(File.Exists))
        {
            if (SKTypeface.FromFile(file) is { } typeface && HasChinese(typeface))
            {
                return typeface;
            }
        }

        throw new InvalidOperationException(
            $"No font with Chinese characters: apt-get install fonts-wqy-microhei (tools/test-prerequisites.sh installs it); looked in the font manager and {string.Join(", ", ChineseFontFiles)}");
    }

    private static bool HasChinese(SKTypeface typeface)
    {
        using var font = new SKFont(typeface);
        return font.ContainsGlyph('微');
    }

    /// <summary>
    /// <paramref name="lines"/> written on <paramref name="background"/> in a Chinese typeface,
    /// <paramref name="size"/> pixels high, dark on a light banner laid over it (as adverts are),
    /// starting at (x, y).
    /// </summary>
    public static SKBitmap Write(SKBitmap background, IReadOnlyList<string> lines, float size, float x, float y)
    {
        using var typeface = ChineseTypeface();
        using var font = new SKFont(typeface, size);
        using var ink = new SKPaint { IsAntialias = true, Color = new SKColor(0x20, 0x20, 0x20) };
        using var banner = new SKPaint { Color = new SKColor(0xFF, 0xF4, 0xD0, 0xE6) };
        using var canvas = new SKCanvas(background);
        var width = lines.Max(line => font.MeasureText(line));
        var spacing = size * 1.5f;
        canvas.DrawRoundRect(x - (size / 2), y - (size / 2), width + size, (spacing * lines.Count) + (size / 2), size / 3, size / 3, banner);
        for (var i = 0; i < lines.Count; i++)
        {
            canvas.DrawText(lines[i], x, y + (spacing * i) + size, SKTextAlign.Left, font, ink);
        }

        return background;
    }

    public static byte[] Png(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Png, 100);

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 90) => Encode(bitmap, SKEncodedImageFormat.Jpeg, quality);

    /// <summary>
    /// An animated GIF (SkiaSharp writes none), black and white (each pixel by its luminance),
    /// looping, each frame shown for <paramref name="centiseconds"/>. Each frame is a picture laid
    /// at (X, Y) and kept under the next ("do not dispose"): one smaller than the whole is a patch
    /// over what came before, which a decoder must compose. The pixels are written as LZW literals
    /// (a clear code after every two), valid GIF if not a small one.
    /// </summary>
    public static byte[] Gif(int width, int height, IReadOnlyList<(SKBitmap Frame, int X, int Y)> frames, int centiseconds = 10)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        WriteLittle(gif, width);
        WriteLittle(gif, height);
        gif.Write([0x80, 1, 0]); // a global colour table of 2 entries; white behind; square pixels
        gif.Write([0, 0, 0, 255, 255, 255]);
        gif.Write([0x21, 0xFF, 11, .. "NETSCAPE2.0"u8, 3, 1, 0, 0, 0]); // loop for ever
        foreach (var (frame, x, y) in frames)
        {
            gif.Write([0x21, 0xF9, 4, 1 << 2]); // graphic control: do not dispose
            WriteLittle(gif, centiseconds);
            gif.Write([0, 0]);
            gif.WriteByte(0x2C);
            WriteLittle(gif, x);
            WriteLittle(gif, y);
            WriteLittle(gif, frame.Width);
            WriteLittle(gif, frame.Height);
            gif.WriteByte(0); // no local colour table, not interlaced
            gif.WriteByte(2); // LZW minimum code size: codes of 3 bits, 4 clears, 5 ends
            var codes = new List<int>();
            for (var row = 0; row < frame.Height; row++)
            {
                for (var column = 0; column < frame.Width; column++)
                {
                    if ((((row * frame.Width) + column) % 2) == 0)
                    {
                        codes.Add(4);
                    }

                    var c = frame.GetPixel(column, row);
                    codes.Add(((c.Red * 299) + (c.Green * 587) + (c.Blue * 114)) / 1000 < 128 ? 0 : 1);
                }
            }

            codes.Add(5);
            var packed = new byte[((codes.Count * 3) + 7) / 8];
            for (var i = 0; i < codes.Count; i++)
            {
                for (var b = 0; b < 3; b++)
                {
                    if ((codes[i] & (1 << b)) != 0)
                    {
                        var bit = (i * 3) + b;
                        packed[bit / 8] |= (byte)(1 << (bit % 8));
                    }
                }
            }

            for (var at = 0; at < packed.Length; at += 255)
            {
                var length = Math.Min(255, packed.Length - at);
                gif.WriteByte((byte)length);
                gif.Write(packed, at, length);
            }

            gif.WriteByte(0);
        }

        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>
    /// A PNG written here rather than by Skia, for the kinds Skia does not write and sizes too large
    /// to hold: <paramref name="height"/> rows of raw samples (<paramref name="row"/>(y), packed as
    /// PNG packs them) of the given depth and colour type (0 grey, 2 RGB, 3 palette, 4 grey and
    /// alpha, 6 RGBA), with a palette and transparency when given. Row y is filtered with PNG's
    /// filter y mod 5, so every filter is met; rows are compressed as they are made.
    /// </summary>
    public static byte[] RawPng(int width, int height, int depth, int colourType, Func<int, byte[]> row, byte[]? palette = null, byte[]? transparency = null)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)depth;
        header[9] = (byte)colourType;
        Chunk(png, "IHDR", header);
        if (palette is not null)
        {
            Chunk(png, "PLTE", palette);
        }

        if (transparency is not null)
        {
            Chunk(png, "tRNS", transparency);
        }

        var channels = colourType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
        var step = Math.Max(1, channels * depth / 8);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                byte[]? previous = null;
                for (var y = 0; y < height; y++)
                {
                    var raw = row(y);
                    var above = previous ?? new byte[raw.Length];
                    var filter = (byte)(y % 5);
                    var filtered = new byte[raw.Length];
                    for (var i = 0; i < raw.Length; i++)
                    {
                        int a = i >= step ? raw[i - step] : 0, b = above[i], c = i >= step ? above[i - step] : 0;
                        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                        var predicted = filter switch
                        {
                            1 => a,
                            2 => b,
                            3 => (a + b) / 2,
                            4 => pa <= pb && pa <= pc ? a : pb <= pc ? b : c,
                            _ => 0,
                        };
                        filtered[i] = (byte)(raw[i] - predicted);
                    }

                    zlib.WriteByte(filter);
                    zlib.Write(filtered);
                    previous = raw;
                }
            }

            Chunk(png, "IDAT", compressed.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// A white RGB PNG of <paramref name="width"/>×<paramref name="height"/>, with <paramref name="inset"/>
    /// (if any) drawn at (x, y): small as a file, huge as pixels (written row by row, never held whole).
    /// </summary>
    public static byte[] LargePng(int width, int height, SKBitmap? inset = null, int x = 0, int y = 0) =>
        RawPng(width, height, 8, 2, row =>
        {
            var bytes = new byte[width * 3];
            Array.Fill(bytes, (byte)255);
            if (inset is not null && row >= y && row < y + inset.Height)
            {
                for (var column = 0; column < inset.Width && x + column < width; column++)
                {
                    var c = inset.GetPixel(column, row - y);
                    bytes[(x + column) * 3] = c.Red;
                    bytes[((x + column) * 3) + 1] = c.Green;
                    bytes[((x + column) * 3) + 2] = c.Blue;
                }
            }

            return bytes;
        });

    /// <summary>
    /// A 24-bit BMP (SkiaSharp writes none), its rows stored bottom first as BMPs usually are;
    /// transparency laid on white.
    /// </summary>
    public static byte[] Bmp(SKBitmap bitmap)
    {
        var stride = ((bitmap.Width * 3) + 3) & ~3;
        var bytes = new byte[54 + (stride * bitmap.Height)];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), bitmap.Width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), bitmap.Height); // positive: bottom row first
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * bitmap.Height);
        for (var y = 0; y < bitmap.Height; y++)
        {
            var row = 54 + ((bitmap.Height - 1 - y) * stride);
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                var white = 255 - c.Alpha;
                bytes[row + (x * 3)] = (byte)(((c.Blue * c.Alpha) / 255) + white);
                bytes[row + (x * 3) + 1] = (byte)(((c.Green * c.Alpha) / 255) + white);
                bytes[row + (x * 3) + 2] = (byte)(((c.Red * c.Alpha) / 255) + white);
            }
        }

        return bytes;
    }

    private static void WriteLittle(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }

    /// <summary>
    /// A valid little PNG that declares <paramref name="width"/>×<paramref name="height"/> pixels
    /// (IHDR written by hand, a few compressed rows as its IDAT): a decoder that believed it would
    /// allocate width × height × 4 bytes before finding the data short.
    /// </summary>
    public static byte[] Bomb(int width = 60_000, int height = 60_000)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // truecolour RGB
        Chunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var rows = new byte[(1 + (width * 3)) * 4]; // four rows of zeros
                zlib.Write(rows);
            }

            Chunk(png, "IDAT", compressed.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type).CopyTo(typed, 0);
        data.CopyTo(typed, 4);
        png.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    private static SKColor Colour(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
}
