#include "services/unary_call.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/text.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/wire_format_lite.h"

namespace wijkwacht::services {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

constexpr int kMaxDepth = 32;

// Walks the wire format of a `descriptor` message and returns the path of the first string
// field holding invalid UTF-8, or "" if there is none (or the wire format itself is broken).
std::string FindInvalidUtf8(const Descriptor* descriptor, absl::string_view bytes,
                            const std::string& prefix, int depth) {
  if (depth > kMaxDepth) return "";
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  for (uint32_t tag = in.ReadTag(); tag != 0; tag = in.ReadTag()) {
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    const FieldDescriptor* field = descriptor->FindFieldByNumber(number);
    if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) return "";
      continue;
    }
    uint32_t length = 0;
    std::string payload;
    if (!in.ReadVarint32(&length) || !in.ReadString(&payload, static_cast<int>(length))) return "";
    if (field == nullptr) continue;
    const std::string path = prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    if (field->type() == FieldDescriptor::TYPE_STRING &&
        !TextProblem(payload, /*allow_controls=*/true).empty()) {
      return path;
    }
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      std::string inner = FindInvalidUtf8(field->message_type(), payload, path, depth + 1);
      if (!inner.empty()) return inner;
    }
  }
  return "";
}

// The path of the first field that was sent with a wire type its declaration does not have
// (e.g. a string where an int32 is declared), or "". The parser keeps such a record as an
// unknown field under a known number instead of failing, which would silently drop the value.
std::string FindMistypedField(const google::protobuf::Message& message, const std::string& prefix,
                              int depth) {
  if (depth > kMaxDepth) return "";
  const Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  auto path = [&](const FieldDescriptor* field) {
    return prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
  };
  const google::protobuf::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const FieldDescriptor* field = descriptor->FindFieldByNumber(unknown.field(i).number());
    if (field != nullptr) return path(field);
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    std::string inner;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field) && inner.empty(); ++i) {
        inner = FindMistypedField(reflection->GetRepeatedMessage(message, field, i),
                                  absl::StrCat(path(field), "[", i, "]"), depth + 1);
      }
    } else {
      inner = FindMistypedField(reflection->GetMessage(message, field), path(field), depth + 1);
    }
    if (!inner.empty()) return inner;
  }
  return "";
}

}  // namespace

absl::Status ParseRequest(const std::string& bytes, google::protobuf::Message* message) {
  const Descriptor* descriptor = message->GetDescriptor();
  if (message->ParseFromString(bytes)) {
    std::string field = FindMistypedField(*message, "", 0);
    if (field.empty()) return absl::OkStatus();
    return InvalidFieldError(field, "was sent with a wire type that does not match its declared "
                                    "type (e.g. a string for a number)");
  }
  std::string field = FindInvalidUtf8(descriptor, bytes, "", 0);
  if (!field.empty()) return InvalidFieldError(field, "is not valid UTF-8");
  return absl::InvalidArgumentError(
      absl::StrCat("request is not a valid ", descriptor->full_name(), " message"));
}

std::string ByteBufferToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

grpc::ByteBuffer SerializeToByteBuffer(const google::protobuf::Message& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(std::move(bytes));
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace wijkwacht::services
