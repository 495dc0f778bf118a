// The Bolt message decoder of kg serve on arbitrary bytes: a message
// decodes, or is malformed (naming the byte) or not supported; a decoded
// message's strings are valid UTF-8, and it encodes again.
#include <cstdint>
#include <string>

#include "server/packstream.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto message = kg::server::DecodeMessage(bytes);
  if (!message.ok()) {
    kg::fuzz::Require(kg::IsValidUtf8(message.status().message()), "an error that is not UTF-8");
    return 0;
  }
  auto again = kg::server::DecodeMessage(kg::server::PackMessage(message->tag, message->fields));
  kg::fuzz::Require(again.ok(), "a decoded message that does not decode again: " + again.status().ToString());
  kg::fuzz::Require(again->fields == message->fields, "a message that decodes again as another");
  return 0;
}
