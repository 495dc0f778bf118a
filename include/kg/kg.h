// The kg embedded knowledge-graph database: everything an embedder needs.
// The Boost.Graph view is opt-in: include "kg/graph_view.h" for it.
#pragma once

#include "kg/algorithms.h"
#include "kg/check.h"
#include "kg/connection.h"
#include "kg/database.h"
#include "kg/element.h"
#include "kg/export.h"
#include "kg/json.h"
#include "kg/load.h"
#include "kg/options.h"
#include "kg/query_result.h"
#include "kg/script.h"
#include "kg/status.h"
#include "kg/transaction.h"
#include "kg/value.h"
