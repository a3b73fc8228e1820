using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;
using ZXing;
using ZXing.QrCode;

namespace GroupGuard.Testing;

/// <summary>
/// Pictures made by the tests, never committed: QR codes (ZXing's writer), noise, "photos" of
/// gradients and shapes, codes laid on them at a size and angle, PNG and JPEG bytes, and a hand-made
/// PNG header that declares a picture far too large (a decompression bomb).
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

    public static byte[] Png(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Png, 100);

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 90) => Encode(bitmap, SKEncodedImageFormat.Jpeg, quality);

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
