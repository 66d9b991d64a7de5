#include "kafkatrace/kafka/record.h"

#include "kafkatrace/kafka/retry.h"

namespace kafkatrace::kafka {

DeliveryError make_delivery_error(rd_kafka_resp_err_t code, const char* detail) {
  DeliveryError error;
  error.code = code;
  error.name = rd_kafka_err2name(code);
  error.message = detail != nullptr && *detail != '\0' ? detail : rd_kafka_err2str(code);
  error.retriable = is_retriable_error(code);
  error.fatal = code == RD_KAFKA_RESP_ERR__FATAL;
  return error;
}

}  // namespace kafkatrace::kafka
