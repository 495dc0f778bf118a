// `kg serve`: one database served over the Bolt protocol (versions 5.0 to
// 5.4), so that the Neo4j drivers and tools can use it. A client of the
// public API only: each Bolt connection is a kg::Connection of its own on
// one shared kg::Database, so reads run side by side and writes take turns
// as transactions do in one process.
//
// Per connection: handshake and version negotiation, HELLO / LOGON /
// LOGOFF, RUN / PULL / DISCARD (results produced as they are pulled, at
// most a bounded number of rows ahead), BEGIN / COMMIT / ROLLBACK, RESET,
// GOODBYE, ROUTE (this server for every role), TELEMETRY; FAILURE with
// Neo4j's status codes. A malformed or oversized message closes its
// connection, never the server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "kg/connection.h"
#include "kg/database.h"
#include "kg/status.h"

namespace kg::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 7687;  // 0: any free port (reported to on_listening)
  // With a user, HELLO/LOGON must carry these basic credentials.
  std::string user, password;
  size_t max_connections = 100;
  size_t max_message_bytes = 16 << 20;
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
  // Each statement's time limit (zero: none) and memory limit (see
  // Connection::set_memory_limit).
  std::chrono::milliseconds statement_timeout{0};
  size_t memory_limit = Connection::DefaultMemoryLimit();
  // Rows a result runs ahead of what the client has pulled.
  size_t rows_ahead = 1000;
  std::ostream* log = nullptr;  // one line per connection and per failure
};

// Serves db until *stop becomes true (checked several times a second),
// then stops accepting, lets each connection finish what it is doing and
// returns. on_listening gets the bound port once connections are accepted.
Status Serve(Database& db, const ServeOptions& options, const std::atomic<bool>* stop,
             const std::function<void(uint16_t port)>& on_listening);

}  // namespace kg::server
