using System.Buffers.Binary;
using System.IO.Compression;

namespace GroupGuard.Images;

/// <summary>
/// A PNG read row by row, straight to grey and averaged down to the working size as the rows come
/// (<see cref="RowShrinker"/>), for one too large to decode whole: Skia's PNG codec here decodes a
/// whole picture only (no scanline decoding), 4 bytes a pixel, so a 170 KB blank PNG of 6300×6300
/// took 250 MB and seconds. Every PNG colour type and depth; not interlaced ones (null: the caller
/// refuses them). Transparency is laid on white and 16-bit samples are cut to their high byte, as
/// the grey of a whole decode is; colour profiles and gamma are not applied (Skia does not apply
/// them here either). A picture that breaks off, or whose data goes wrong, is white from there.
/// </summary>
internal static class PngRows
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The PNG as grey, at most <paramref name="workPixels"/>; null when it is interlaced, wider than <see cref="PictureDecoder.MaxRowWidth"/> or not a PNG this reads.</summary>
    public static LuminancePlane? Read(byte[] bytes, long workPixels)
    {
        if (!bytes.AsSpan().StartsWith(Signature))
        {
            return null;
        }

        Header? header = null;
        byte[]? palette = null;
        byte[]? transparency = null;
        using var data = new MemoryStream();
        for (var at = Signature.Length; at + 8 <= bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            var type = bytes.AsSpan(at + 4, 4);
            var start = at + 8;
            if (length < 0)
            {
                break;
            }

            // A chunk cut short gives what it has (an IDAT's rows so far).
            var body = bytes.AsSpan(start, (int)Math.Min(length, bytes.Length - start));
            if (type.SequenceEqual("IHDR"u8) && header is null)
            {
                // The first only, the one the caller's size check read: a second could claim rows
                // past any bound (two billion of them, each worked on).
                header = Header.Of(body);
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                palette = body.ToArray();
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                transparency = body.ToArray();
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                data.Write(body);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            at = (int)Math.Min(bytes.Length, (long)start + length + 4); // the CRC after the data
        }

        if (header is not { } h || h.Interlaced || h.Channels == 0 || (h.ColourType == 3 && palette is null) || h.Width > PictureDecoder.MaxRowWidth)
        {
            return null;
        }

        var pixels = (long)h.Width * h.Height;
        var factor = pixels > workPixels ? Math.Sqrt((double)workPixels / pixels) : 1;
        var shrinker = new RowShrinker(h.Width, h.Height, Math.Max(1, (int)(h.Width * factor)), Math.Max(1, (int)(h.Height * factor)));
        var rowBytes = (int)(((long)h.Width * h.Channels * h.Depth + 7) / 8);
        var step = Math.Max(1, h.Channels * h.Depth / 8); // bytes to the same sample of the pixel before
        var previous = new byte[rowBytes];
        var row = new byte[rowBytes];
        var grey = new byte[h.Width];
        var colours = Colours(h, palette, transparency);
        data.Position = 0;
        using var inflated = new ZLibStream(data, CompressionMode.Decompress);
        var y = 0;
        try
        {
            Span<byte> filter = stackalloc byte[1];
            for (; y < h.Height; y++)
            {
                if (inflated.ReadAtLeast(filter, 1, throwOnEndOfStream: false) < 1
                    || inflated.ReadAtLeast(row, rowBytes, throwOnEndOfStream: false) < rowBytes
                    || !Unfilter(filter[0], row, previous, step))
                {
                    break;
                }

                Grey(h, row, grey, colours, transparency);
                shrinker.Add(grey);
                (previous, row) = (row, previous);
            }
        }
        catch (InvalidDataException)
        {
            // Broken compressed data: white from here, as a picture cut short.
        }

        Array.Fill(grey, (byte)255);
        for (; y < h.Height; y++)
        {
            shrinker.Add(grey);
        }

        return shrinker.Plane;
    }

    /// <summary>Undoes a row's filter (PNG's five) in place; false for a filter PNG has not.</summary>
    private static bool Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int step)
    {
        switch (filter)
        {
            case 0:
                return true;
            case 1:
                for (var i = step; i < row.Length; i++)
                {
                    row[i] += row[i - step];
                }

                return true;
            case 2:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] += previous[i];
                }

                return true;
            case 3:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] += (byte)(((i >= step ? row[i - step] : 0) + previous[i]) / 2);
                }

                return true;
            case 4:
                for (var i = 0; i < row.Length; i++)
                {
                    int a = i >= step ? row[i - step] : 0, b = previous[i], c = i >= step ? previous[i - step] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    row[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>For a palette PNG, each entry's grey with its transparency laid on white.</summary>
    private static byte[]? Colours(Header h, byte[]? palette, byte[]? transparency)
    {
        if (h.ColourType != 3 || palette is null)
        {
            return null;
        }

        var colours = new byte[256];
        Array.Fill(colours, (byte)255); // an index past the palette: nothing (Skia draws it transparent)
        for (var i = 0; i < Math.Min(256, palette.Length / 3); i++)
        {
            var alpha = transparency is not null && i < transparency.Length ? transparency[i] : (byte)255;
            colours[i] = PictureDecoder.OnWhite(PictureDecoder.Luma(palette[i * 3], palette[(i * 3) + 1], palette[(i * 3) + 2]), alpha);
        }

        return colours;
    }

    /// <summary>One unfiltered row as grey, one byte a pixel.</summary>
    private static void Grey(Header h, ReadOnlySpan<byte> row, Span<byte> grey, byte[]? colours, byte[]? transparency)
    {
        var wide = h.Depth == 16 ? 2 : 1; // bytes a sample; the high one first
        switch (h.ColourType)
        {
            case 0 when h.Depth < 8:
            case 3:
                var perByte = 8 / h.Depth;
                var mask = (1 << h.Depth) - 1;
                var scale = 255 / mask;
                var clear = h.ColourType == 0 && transparency is { Length: >= 2 } ? BinaryPrimitives.ReadUInt16BigEndian(transparency) : -1;
                for (var x = 0; x < grey.Length; x++)
                {
                    var value = (row[x / perByte] >> ((perByte - 1 - (x % perByte)) * h.Depth)) & mask;
                    grey[x] = colours is not null ? colours[value] : value == clear ? (byte)255 : (byte)(value * scale);
                }

                break;
            case 0:
                var clearGrey = transparency is { Length: >= 2 } ? BinaryPrimitives.ReadUInt16BigEndian(transparency) : -1;
                for (var x = 0; x < grey.Length; x++)
                {
                    var sample = wide == 2 ? BinaryPrimitives.ReadUInt16BigEndian(row[(x * 2)..]) : row[x];
                    grey[x] = sample == clearGrey ? (byte)255 : row[x * wide];
                }

                break;
            case 2:
                (int R, int G, int B) key = transparency is { Length: >= 6 }
                    ? (BinaryPrimitives.ReadUInt16BigEndian(transparency), BinaryPrimitives.ReadUInt16BigEndian(transparency.AsSpan(2)), BinaryPrimitives.ReadUInt16BigEndian(transparency.AsSpan(4)))
                    : (-1, -1, -1);
                for (int x = 0, p = 0; x < grey.Length; x++, p += 3 * wide)
                {
                    (int R, int G, int B) sample = wide == 2
                        ? (BinaryPrimitives.ReadUInt16BigEndian(row[p..]), BinaryPrimitives.ReadUInt16BigEndian(row[(p + 2)..]), BinaryPrimitives.ReadUInt16BigEndian(row[(p + 4)..]))
                        : (row[p], row[p + 1], row[p + 2]);
                    grey[x] = sample == key ? (byte)255 : PictureDecoder.Luma(row[p], row[p + wide], row[p + (2 * wide)]);
                }

                break;
            case 4:
                for (int x = 0, p = 0; x < grey.Length; x++, p += 2 * wide)
                {
                    grey[x] = PictureDecoder.OnWhite(row[p], row[p + wide]);
                }

                break;
            default: // 6
                for (int x = 0, p = 0; x < grey.Length; x++, p += 4 * wide)
                {
                    grey[x] = PictureDecoder.OnWhite(PictureDecoder.Luma(row[p], row[p + wide], row[p + (2 * wide)]), row[p + (3 * wide)]);
                }

                break;
        }
    }

    /// <summary>IHDR: size, depth, colour type, interlacing; <see cref="Channels"/> 0 for a type and depth PNG has not.</summary>
    private readonly record struct Header(int Width, int Height, int Depth, int ColourType, bool Interlaced)
    {
        public int Channels => (ColourType, Depth) switch
        {
            (0, 1 or 2 or 4 or 8 or 16) => 1,
            (2, 8 or 16) => 3,
            (3, 1 or 2 or 4 or 8) => 1,
            (4, 8 or 16) => 2,
            (6, 8 or 16) => 4,
            _ => 0,
        };

        public static Header? Of(ReadOnlySpan<byte> body) =>
            body.Length < 13 || BinaryPrimitives.ReadInt32BigEndian(body) <= 0 || BinaryPrimitives.ReadInt32BigEndian(body[4..]) <= 0
                ? null
                : new Header(BinaryPrimitives.ReadInt32BigEndian(body), BinaryPrimitives.ReadInt32BigEndian(body[4..]), body[8], body[9], body[12] != 0);
    }
}
