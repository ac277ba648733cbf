#include "storage/alert_store.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/deletion_log.h"

namespace wijkwacht::storage {
namespace {

using google::protobuf::util::TimeUtil;

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

std::string AckKey(absl::string_view subscriber, absl::string_view id) {
  std::string key(subscriber);
  key.push_back('\0');
  absl::StrAppend(&key, id);
  return key;
}

absl::StatusOr<internal::StoredAlert> Parse(absl::string_view bytes) {
  internal::StoredAlert stored;
  if (!stored.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("stored alert does not parse");
  }
  return stored;
}

absl::StatusOr<internal::StoredAlert> Load(WriteContext& ctx, absl::string_view id) {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, ctx.Get(ColumnFamily::kAlerts, id));
  if (!bytes) return absl::NotFoundError(absl::StrCat("alerts/", id, " does not exist"));
  return Parse(*bytes);
}

// Stores `stored` and appends its change event (the alert as it is now).
void StageChange(WriteContext& ctx, absl::string_view id, internal::StoredAlert& stored,
                 internal::AlertChanged* (internal::ChangeEvent::*member)()) {
  internal::ChangeEvent event;
  internal::AlertChanged& changed = *(event.*member)();
  *changed.mutable_alert() = stored.alert();
  *changed.mutable_area_codes() = stored.area_codes();
  const uint64_t sequence = ctx.AppendChange(event);
  if (stored.create_sequence() == 0) stored.set_create_sequence(sequence);
  ctx.Put(ColumnFamily::kAlerts, id, stored.SerializeAsString());
}

// Is `stored` the same publish as `input` (an idempotent replay)?
bool SamePublish(const internal::StoredAlert& stored, const NewAlert& input) {
  const v1::Alert& a = stored.alert();
  const absl::Duration ttl = FromTimestamp(a.expire_time()) - FromTimestamp(a.publish_time());
  return stored.publisher() == input.publisher && a.type() == input.alert.type() &&
         a.description() == input.alert.description() &&
         a.location().latitude() == input.alert.location().latitude() &&
         a.location().longitude() == input.alert.location().longitude() &&
         a.photo_ref() == input.alert.photo_ref() && ttl == input.ttl;
}

}  // namespace

v1::Alert EffectiveAlert(const v1::Alert& alert, absl::Time now) {
  v1::Alert out = alert;
  if (out.state() == v1::ACTIVE && FromTimestamp(out.expire_time()) <= now) {
    out.set_state(v1::EXPIRED);
  }
  return out;
}

void AlertStore::PublishAsync(NewAlert input, Done<PublishOutcome> done) {
  auto in = std::make_shared<NewAlert>(std::move(input));
  auto outcome = std::make_shared<PublishOutcome>();
  engine_->Commit(
      [in, outcome](WriteContext& ctx) -> absl::Status {
        WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                            ctx.Get(ColumnFamily::kAlerts, in->id));
        if (bytes) {
          WW_ASSIGN_OR_RETURN(internal::StoredAlert stored, Parse(*bytes));
          if (!SamePublish(stored, *in)) {
            return absl::AlreadyExistsError(absl::StrCat(
                "alert_id: alerts/", in->id,
                " already exists with different content; a retry must resend the same alert, "
                "a new alert needs a new id"));
          }
          outcome->alert = EffectiveAlert(stored.alert(), ctx.Now());
          outcome->replayed = true;
          return absl::OkStatus();
        }
        internal::StoredAlert stored;
        v1::Alert& alert = *stored.mutable_alert();
        alert = in->alert;
        alert.set_name(absl::StrCat("alerts/", in->id));
        alert.set_state(v1::ACTIVE);
        *alert.mutable_publish_time() = ToTimestamp(ctx.Now());
        *alert.mutable_expire_time() = ToTimestamp(ctx.Now() + in->ttl);
        stored.set_publisher(in->publisher);
        for (const std::string& code : in->area_codes) stored.add_area_codes(code);
        StageChange(ctx, in->id, stored, &internal::ChangeEvent::mutable_alert_published);
        outcome->alert = alert;
        outcome->replayed = false;
        return absl::OkStatus();
      },
      [outcome, done = std::move(done)](absl::Status status) {
        if (!status.ok()) return done(std::move(status));
        done(std::move(*outcome));
      });
}

void AlertStore::ResolveAsync(std::string id, std::string outcome_text, std::string closer,
                              bool closer_is_staff, Done<v1::Alert> done) {
  auto result = std::make_shared<v1::Alert>();
  engine_->Commit(
      [id = std::move(id), text = std::move(outcome_text), closer = std::move(closer),
       closer_is_staff, result](WriteContext& ctx) -> absl::Status {
        WW_ASSIGN_OR_RETURN(internal::StoredAlert stored, Load(ctx, id));
        if (!closer_is_staff && stored.publisher() != closer) {
          return absl::PermissionDeniedError(absl::StrCat(
              "only the publisher of alerts/", id, " or dispatch may resolve it"));
        }
        v1::Alert& alert = *stored.mutable_alert();
        if (alert.state() == v1::ALERT_RESOLVED && alert.outcome() == text) {
          *result = alert;  // a replay
          return absl::OkStatus();
        }
        const v1::Alert effective = EffectiveAlert(alert, ctx.Now());
        if (effective.state() != v1::ACTIVE) {
          return absl::FailedPreconditionError(absl::StrCat(
              "alerts/", id, " is ", v1::AlertState_Name(effective.state()),
              "; only an active alert can be resolved"));
        }
        alert.set_state(v1::ALERT_RESOLVED);
        alert.set_outcome(text);
        stored.set_closed_by(closer);
        StageChange(ctx, id, stored, &internal::ChangeEvent::mutable_alert_resolved);
        *result = alert;
        return absl::OkStatus();
      },
      [result, done = std::move(done)](absl::Status status) {
        if (!status.ok()) return done(std::move(status));
        done(std::move(*result));
      });
}

void AlertStore::RetractAsync(std::string id, std::string reason, std::string closer,
                              Done<v1::Alert> done) {
  auto result = std::make_shared<v1::Alert>();
  engine_->Commit(
      [id = std::move(id), reason = std::move(reason), closer = std::move(closer),
       result](WriteContext& ctx) -> absl::Status {
        WW_ASSIGN_OR_RETURN(internal::StoredAlert stored, Load(ctx, id));
        v1::Alert& alert = *stored.mutable_alert();
        if (alert.state() == v1::RETRACTED) {
          *result = alert;  // a replay
          return absl::OkStatus();
        }
        if (EffectiveAlert(alert, ctx.Now()).state() == v1::EXPIRED) {
          return absl::FailedPreconditionError(
              absl::StrCat("alerts/", id, " has expired; there is nothing to retract"));
        }
        alert.set_state(v1::RETRACTED);
        stored.set_retract_reason(reason);
        stored.set_closed_by(closer);
        StageChange(ctx, id, stored, &internal::ChangeEvent::mutable_alert_retracted);
        *result = alert;
        return absl::OkStatus();
      },
      [result, done = std::move(done)](absl::Status status) {
        if (!status.ok()) return done(std::move(status));
        done(std::move(*result));
      });
}

void AlertStore::AckAsync(std::string id, std::string subscriber, bool seen, Done<bool> done) {
  engine_->Commit(
      [id = std::move(id), subscriber = std::move(subscriber), seen](WriteContext& ctx)
          -> absl::Status {
        WW_ASSIGN_OR_RETURN(internal::StoredAlert stored, Load(ctx, id));
        const std::string key = AckKey(subscriber, id);
        WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                            ctx.Get(ColumnFamily::kAlertAcks, key));
        internal::AlertAck ack;
        if (bytes && !ack.ParseFromString(*bytes)) {
          return absl::DataLossError("stored alert ack does not parse");
        }
        google::protobuf::Timestamp* field =
            seen ? ack.mutable_seen_time() : ack.mutable_delivered_time();
        if (field->seconds() != 0 || field->nanos() != 0) return absl::OkStatus();  // kept
        *field = ToTimestamp(ctx.Now());
        // Seeing an alert implies it was delivered.
        if (seen && !ack.has_delivered_time()) *ack.mutable_delivered_time() = *field;
        ctx.Put(ColumnFamily::kAlertAcks, key, ack.SerializeAsString());
        return absl::OkStatus();
      },
      [done = std::move(done)](absl::Status status) {
        if (!status.ok()) return done(std::move(status));
        done(true);
      });
}

absl::StatusOr<internal::StoredAlert> AlertStore::Get(absl::string_view id) const {
  WW_ASSIGN_OR_RETURN(std::optional<std::string> bytes, engine_->Get(ColumnFamily::kAlerts, id));
  if (!bytes) return absl::NotFoundError(absl::StrCat("alerts/", id, " does not exist"));
  return Parse(*bytes);
}

absl::StatusOr<std::vector<std::pair<std::string, internal::AlertAck>>> AlertStore::AcksOf(
    absl::string_view subscriber) const {
  std::vector<std::pair<std::string, internal::AlertAck>> acks;
  const std::string prefix = AckKey(subscriber, "");
  absl::Status inner = absl::OkStatus();
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kAlertAcks, prefix, prefix,
      [&](absl::string_view key, absl::string_view value) {
        internal::AlertAck ack;
        if (!ack.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("stored alert ack does not parse");
          return false;
        }
        acks.emplace_back(std::string(key.substr(prefix.size())), std::move(ack));
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  return acks;
}

absl::StatusOr<std::pair<int64_t, int64_t>> AlertStore::DeleteEndedBefore(
    absl::Time cutoff, const std::string& reason) {
  absl::flat_hash_set<std::string> ended;
  absl::Status inner;
  WW_RETURN_IF_ERROR(engine_->Scan(
      ColumnFamily::kAlerts, "", "", [&](absl::string_view key, absl::string_view value) {
        absl::StatusOr<internal::StoredAlert> stored = Parse(value);
        if (!stored.ok()) {
          inner = stored.status();
          return false;
        }
        if (FromTimestamp(stored->alert().expire_time()) < cutoff) ended.emplace(key);
        return true;
      }));
  WW_RETURN_IF_ERROR(inner);
  if (ended.empty()) return std::make_pair(int64_t{0}, int64_t{0});
  std::vector<std::string> acks;  // keyed by subscriber first: one scan finds them all
  WW_RETURN_IF_ERROR(engine_->Scan(ColumnFamily::kAlertAcks, "", "",
                                   [&](absl::string_view key, absl::string_view) {
                                     const size_t nul = key.find('\0');
                                     if (nul != absl::string_view::npos &&
                                         ended.contains(key.substr(nul + 1))) {
                                       acks.emplace_back(key);
                                     }
                                     return true;
                                   }));
  WW_RETURN_IF_ERROR(engine_->CommitAndWait([&](WriteContext& ctx) -> absl::Status {
    for (const std::string& id : ended) ctx.Delete(ColumnFamily::kAlerts, id);
    for (const std::string& key : acks) ctx.Delete(ColumnFamily::kAlertAcks, key);
    const std::pair<const char*, size_t> classes[] = {{"alert", ended.size()},
                                                      {"alert_ack", acks.size()}};
    for (const auto& [kind, count] : classes) {
      if (count == 0) continue;
      v1::Deletion entry;
      entry.set_record_kind(kind);
      entry.set_count(static_cast<int64_t>(count));
      entry.set_actor("retention");
      entry.set_reason(reason);
      entry.set_target("alerts");
      WW_RETURN_IF_ERROR(DeletionLog::Stage(ctx, std::move(entry)).status());
    }
    return absl::OkStatus();
  }));
  return std::make_pair(static_cast<int64_t>(ended.size()), static_cast<int64_t>(acks.size()));
}

}  // namespace wijkwacht::storage
