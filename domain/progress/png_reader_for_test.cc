#include "domain/progress/png_reader_for_test.h"

#include <zlib.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace wijkwacht::progress::testing {
namespace {

constexpr char kSignature[] = "\x89PNG\r\n\x1a\n";

uint32_t BigEndian32(const std::string& bytes, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(bytes[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 3]));
}

uint8_t Paeth(int a, int b, int c) {
  int p = a + b - c;
  int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<uint8_t>(a);
  return static_cast<uint8_t>(pb <= pc ? b : c);
}

}  // namespace

absl::StatusOr<RgbImage> DecodePng(const std::string& bytes) {
  if (bytes.size() < 8 + 25 || bytes.compare(0, 8, std::string(kSignature, 8)) != 0) {
    return absl::InvalidArgumentError("not a PNG (bad signature)");
  }
  RgbImage image;
  size_t channels = 0;
  std::string compressed;
  for (size_t at = 8; at + 12 <= bytes.size();) {
    uint32_t length = BigEndian32(bytes, at);
    std::string type = bytes.substr(at + 4, 4);
    if (at + 12 + static_cast<size_t>(length) > bytes.size()) {
      return absl::InvalidArgumentError(absl::StrCat("truncated chunk ", type));
    }
    size_t data = at + 8;
    if (type == "IHDR") {
      if (length != 13) return absl::InvalidArgumentError("bad IHDR length");
      image.width = BigEndian32(bytes, data);
      image.height = BigEndian32(bytes, data + 4);
      int bit_depth = static_cast<uint8_t>(bytes[data + 8]);
      int color_type = static_cast<uint8_t>(bytes[data + 9]);
      int interlace = static_cast<uint8_t>(bytes[data + 12]);
      if (bit_depth != 8 || (color_type != 2 && color_type != 6) || interlace != 0) {
        return absl::InvalidArgumentError(absl::StrCat("unsupported PNG: depth ", bit_depth,
                                                       ", colour type ", color_type, ", interlace ",
                                                       interlace));
      }
      channels = color_type == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      compressed.append(bytes, data, length);
    } else if (type == "IEND") {
      break;
    }
    at = data + length + 4;
  }
  if (channels == 0 || image.width == 0 || image.height == 0 || image.width > 20000 ||
      image.height > 20000) {
    return absl::InvalidArgumentError("missing or implausible IHDR");
  }

  size_t stride = image.width * channels;
  std::vector<uint8_t> raw((stride + 1) * image.height);
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()),
                 compressed.size()) != Z_OK ||
      raw_size != raw.size()) {
    return absl::InvalidArgumentError("image data does not inflate to width x height");
  }

  std::vector<uint8_t> pixels(stride * image.height);
  for (size_t y = 0; y < image.height; ++y) {
    uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* in = &raw[y * (stride + 1) + 1];
    uint8_t* out = &pixels[y * stride];
    const uint8_t* up = y > 0 ? &pixels[(y - 1) * stride] : nullptr;
    for (size_t x = 0; x < stride; ++x) {
      int a = x >= channels ? out[x - channels] : 0;
      int b = up != nullptr ? up[x] : 0;
      int c = (up != nullptr && x >= channels) ? up[x - channels] : 0;
      int predictor = 0;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) / 2;
          break;
        case 4:
          predictor = Paeth(a, b, c);
          break;
        default:
          return absl::InvalidArgumentError(absl::StrCat("bad filter ", filter, " in row ", y));
      }
      out[x] = static_cast<uint8_t>(in[x] + predictor);
    }
  }

  image.rgb.reserve(static_cast<size_t>(image.width) * image.height * 3);
  for (size_t i = 0; i < pixels.size(); i += channels) {
    image.rgb.insert(image.rgb.end(), &pixels[i], &pixels[i] + 3);
  }
  return image;
}

}  // namespace wijkwacht::progress::testing
