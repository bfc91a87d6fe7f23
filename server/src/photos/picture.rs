//! What an uploaded file becomes before anything is stored: its type decided by its own bytes,
//! its size and pixel count bounded before decoding, decoded, turned upright, and encoded again
//! (which leaves every piece of metadata behind: EXIF with its GPS position, XMP, comments),
//! plus a thumbnail. Pure functions, run on a blocking thread.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits};

/// The longest side of a thumbnail.
pub const THUMB_SIDE: u32 = 320;
/// JPEG quality of stored pictures.
const QUALITY: u8 = 85;
/// JPEG quality of thumbnails.
const THUMB_QUALITY: u8 = 80;

/// The kinds of file accepted, by their magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `FF D8 FF`.
    Jpeg,
    /// `89 50 4E 47 0D 0A 1A 0A`.
    Png,
    /// `RIFF....WEBP`.
    Webp,
}

impl Kind {
    /// The kind the bytes begin with, if any accepted one.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::Webp => ImageFormat::WebP,
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not JPEG, PNG or WebP by its bytes.
    #[error("not an accepted image type")]
    NotAnImage,
    /// More pixels than allowed (a decompression bomb, or simply too large).
    #[error("{width}×{height} is more than {max} pixels")]
    TooManyPixels {
        /// Width the header claims.
        width: u32,
        /// Height the header claims.
        height: u32,
        /// The limit.
        max: u64,
    },
    /// The bytes do not decode as the image they claim to be (truncated, damaged).
    #[error("does not decode: {0}")]
    Undecodable(String),
}

/// One encoded image ready to store.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub content_type: &'static str,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A processed upload: the picture and its thumbnail.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The picture, upright, metadata removed.
    pub picture: Encoded,
    /// The thumbnail (JPEG, longest side at most [`THUMB_SIDE`]).
    pub thumb: Encoded,
}

/// Whether a JPEG's structure is complete: its segments up to the scan, then entropy-coded data
/// and further segments up to an end-of-image marker. A truncated file (a phone's upload cut
/// short) ends before its EOI; decoders would otherwise fill the missing rows with grey.
pub fn jpeg_complete(bytes: &[u8]) -> bool {
    let mut i = 2; // after SOI
    let n = bytes.len();
    loop {
        // Find the next marker (fill bytes 0xFF may repeat).
        if i >= n || bytes[i] != 0xFF {
            return false;
        }
        while i < n && bytes[i] == 0xFF {
            i += 1;
        }
        if i >= n {
            return false;
        }
        let marker = bytes[i];
        i += 1;
        match marker {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        if i + 2 > n {
            return false;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i], bytes[i + 1]]));
        if len < 2 || i + len > n {
            return false;
        }
        i += len;
        if marker == 0xDA {
            // Entropy-coded data: runs to the next marker that is not a stuffed byte or a restart.
            loop {
                while i < n && bytes[i] != 0xFF {
                    i += 1;
                }
                if i + 1 >= n {
                    return false;
                }
                match bytes[i + 1] {
                    0x00 | 0xD0..=0xD7 => i += 2,
                    0xFF => i += 1,
                    _ => break,
                }
            }
        }
    }
}

/// Checks, decodes and re-encodes an upload. `max_pixels` bounds width × height before any pixel
/// is decoded.
pub fn process(bytes: Vec<u8>, max_pixels: u64) -> Result<Processed, Refusal> {
    let kind = Kind::sniff(&bytes).ok_or(Refusal::NotAnImage)?;
    if kind == Kind::Jpeg && !jpeg_complete(&bytes) {
        return Err(Refusal::Undecodable("truncated JPEG".into()));
    }
    let undecodable = |e: image::ImageError| Refusal::Undecodable(e.to_string());
    // The reader owns the bytes: they are freed once decoded, before the re-encoding.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    let mut limits = Limits::default();
    // Room for the decoded pixels (up to 16-bit RGBA) and the decoder's own buffers.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(Refusal::Undecodable("empty image".into()));
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(Refusal::TooManyPixels { width, height, max: max_pixels });
    }
    let orientation = decoder.orientation().map_err(undecodable)?;
    let icc = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    image.apply_orientation(orientation);
    let keep_png = kind == Kind::Png || image.color().has_alpha();
    let picture =
        if keep_png { png(&image, icc.clone()) } else { jpeg(&image, QUALITY, icc.clone()) }.map_err(undecodable)?;
    let small = image.thumbnail(THUMB_SIDE, THUMB_SIDE);
    let thumb = jpeg(&flatten(small), THUMB_QUALITY, icc).map_err(undecodable)?;
    Ok(Processed { picture, thumb })
}

/// The image over a white background (a thumbnail is always a JPEG).
fn flatten(image: DynamicImage) -> DynamicImage {
    if !image.color().has_alpha() {
        return image;
    }
    let mut rgba = image.to_rgba8();
    for p in rgba.pixels_mut() {
        let a = u16::from(p[3]);
        for c in 0..3 {
            p[c] = ((u16::from(p[c]) * a + 255 * (255 - a)) / 255) as u8;
        }
        p[3] = 255;
    }
    DynamicImage::ImageRgba8(rgba)
}

fn jpeg(image: &DynamicImage, quality: u8, icc: Option<Vec<u8>>) -> Result<Encoded, image::ImageError> {
    // An RGB picture (every opaque JPEG) is encoded from its own pixels, without a copy.
    let converted;
    let rgb = match image {
        DynamicImage::ImageRgb8(rgb) => rgb,
        other => {
            converted = other.to_rgb8();
            &converted
        }
    };
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(icc) = icc {
        // A colour profile is not personal data; keeping it keeps the colours right.
        let _ = encoder.set_icc_profile(icc);
    }
    encoder.write_image(rgb.as_raw(), rgb.width(), rgb.height(), image::ExtendedColorType::Rgb8)?;
    Ok(Encoded { bytes: out, content_type: "image/jpeg", width: rgb.width(), height: rgb.height() })
}

fn png(image: &DynamicImage, icc: Option<Vec<u8>>) -> Result<Encoded, image::ImageError> {
    let (width, height) = (image.width(), image.height());
    let mut out = Vec::new();
    let mut encoder = PngEncoder::new(&mut out);
    if let Some(icc) = icc {
        let _ = encoder.set_icc_profile(icc);
    }
    let image = if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8())
    };
    encoder.write_image(image.as_bytes(), width, height, image.color().into())?;
    Ok(Encoded { bytes: out, content_type: "image/png", width, height })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        jpeg(&DynamicImage::ImageRgb8(img), 90, None).unwrap().bytes
    }

    #[test]
    fn sniffs_by_bytes() {
        assert_eq!(Kind::sniff(&sample_jpeg(8, 8)), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(Kind::Png));
        assert_eq!(Kind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Kind::Webp));
        assert_eq!(Kind::sniff(b"GIF89a"), None);
        assert_eq!(Kind::sniff(b"<svg"), None);
    }

    #[test]
    fn a_truncated_jpeg_is_refused() {
        let full = sample_jpeg(64, 48);
        assert!(jpeg_complete(&full));
        for cut in [full.len() - 2, full.len() / 2, 40, 3] {
            assert!(!jpeg_complete(&full[..cut]), "cut at {cut}");
            assert!(matches!(process(full[..cut].to_vec(), 1 << 30), Err(Refusal::Undecodable(_))));
        }
    }

    #[test]
    fn re_encodes_upright_with_a_thumbnail() {
        let out = process(sample_jpeg(1000, 500), 40_000_000).unwrap();
        assert_eq!((out.picture.width, out.picture.height), (1000, 500));
        assert_eq!(out.picture.content_type, "image/jpeg");
        assert_eq!((out.thumb.width, out.thumb.height), (320, 160));
        assert!(jpeg_complete(&out.picture.bytes));
    }

    #[test]
    fn pixel_bound_is_checked_before_decoding() {
        let err = process(sample_jpeg(300, 300), 50_000).unwrap_err();
        assert_eq!(err, Refusal::TooManyPixels { width: 300, height: 300, max: 50_000 });
    }
}
