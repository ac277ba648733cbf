#include "storage/poll_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "privacy/sealer.h"
#include "storage/keys.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMarkerKeyBytes = 32;
constexpr size_t kAnswerIdBytes = 16;

absl::StatusOr<internal::StoredPoll> ParsePoll(absl::string_view bytes) {
  internal::StoredPoll stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("stored poll does not parse");
  }
  return stored;
}

template <typename Reader>
absl::StatusOr<internal::StoredPoll> LoadPoll(Reader& reader, uint64_t number) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      reader.Get(ColumnFamily::kPolls, PollKey(number)));
  if (!bytes) return absl::NotFoundError(absl::StrCat("polls/", number, " does not exist"));
  return ParsePoll(*bytes);
}

}  // namespace

absl::StatusOr<v1::Poll> PollStore::Create(v1::Poll poll, const DispatchActor& actor) {
  WW_ASSIGN_OR_RETURN(std::string key, random_->Bytes(kMarkerKeyBytes));
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
    WW_ASSIGN_OR_RETURN(std::optional<std::string> counter,
                        ctx.Get(ColumnFamily::kPolls, PollCounterKey()));
    const uint64_t number = (counter ? ReadBigEndian64(*counter).value_or(0) : 0) + 1;
    std::string next;
    AppendBigEndian64(&next, number);
    ctx.Put(ColumnFamily::kPolls, PollCounterKey(), next);
    poll.set_name(absl::StrCat("polls/", number));
    *poll.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(ctx.Now()));
    internal::StoredPoll stored;
    *stored.mutable_poll() = poll;
    stored.set_marker_key(key);
    ctx.Put(ColumnFamily::kPolls, PollKey(number), stored.SerializeAsString());
    internal::ChangeEvent event;
    *event.mutable_poll_published() = poll;
    ctx.AppendChange(event);
    return AppendAudit(ctx, actor, "CreatePoll", poll.name(), poll.title());
  }));
  return poll;
}

absl::StatusOr<v1::Poll> PollStore::Get(uint64_t number) const {
  WW_ASSIGN_OR_RETURN(internal::StoredPoll stored, LoadPoll(*engine_, number));
  return std::move(*stored.mutable_poll());
}

absl::StatusOr<std::vector<v1::Poll>> PollStore::List() const {
  std::vector<v1::Poll> out;
  absl::Status inner = absl::OkStatus();
  WW_RETURN_IF_ERROR(engine_->Scan(ColumnFamily::kPolls, PollPrefix(), PollPrefix(),
                                   [&](absl::string_view, absl::string_view value) {
                                     absl::StatusOr<internal::StoredPoll> p = ParsePoll(value);
                                     if (!p.ok()) {
                                       inner = p.status();
                                       return false;
                                     }
                                     out.push_back(std::move(*p->mutable_poll()));
                                     return true;
                                   }));
  WW_RETURN_IF_ERROR(inner);
  std::reverse(out.begin(), out.end());
  return out;
}

absl::StatusOr<bool> PollStore::Answer(uint64_t number, absl::string_view device_id,
                                       const internal::PollAnswer& answer) {
  WW_ASSIGN_OR_RETURN(std::string answer_id, random_->Bytes(kAnswerIdBytes));
  const std::string answer_bytes = answer.SerializeAsString();
  bool replayed = false;
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) {
    WW_ASSIGN_OR_RETURN(internal::StoredPoll stored, LoadPoll(ctx, number));
    const v1::Poll& poll = stored.poll();
    const absl::Time now = ctx.Now();
    if (now < absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(poll.open_time())) ||
        now >= absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(poll.close_time()))) {
      return absl::FailedPreconditionError(absl::StrCat(
          poll.name(), " takes answers from ", TimeUtil::ToString(poll.open_time()), " until ",
          TimeUtil::ToString(poll.close_time())));
    }
    const std::string marker =
        PollEntryKey(number, privacy::KeyedMarker(stored.marker_key(), device_id));
    const std::string fingerprint =
        privacy::KeyedMarker(stored.marker_key(), absl::StrCat("answer", answer_bytes));
    WW_ASSIGN_OR_RETURN(std::optional<std::string> seen,
                        ctx.Get(ColumnFamily::kPollMarkers, marker));
    if (seen) {
      if (*seen != fingerprint) {
        return absl::AlreadyExistsError(
            absl::StrCat("this device has answered ", poll.name(), " already"));
      }
      replayed = true;
      return absl::OkStatus();
    }
    ctx.Put(ColumnFamily::kPollMarkers, marker, fingerprint);
    ctx.Put(ColumnFamily::kPollAnswers, PollEntryKey(number, answer_id), answer_bytes);
    return absl::OkStatus();
  }));
  return replayed;
}

absl::StatusOr<std::vector<internal::PollAnswer>> PollStore::Answers(uint64_t number) const {
  const std::string prefix = PollEntryKey(number, "");
  std::vector<internal::PollAnswer> out;
  absl::Status inner = absl::OkStatus();
  WW_RETURN_IF_ERROR(engine_->Scan(ColumnFamily::kPollAnswers, prefix, prefix,
                                   [&](absl::string_view, absl::string_view value) {
                                     if (!out.emplace_back().ParseFromArray(
                                             value.data(), static_cast<int>(value.size()))) {
                                       inner = absl::DataLossError("stored answer does not parse");
                                       return false;
                                     }
                                     return true;
                                   }));
  WW_RETURN_IF_ERROR(inner);
  return out;
}

}  // namespace wijkwacht::storage
